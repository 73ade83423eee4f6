//! The languages a series is published in, and what differs between them
//! beyond the words: how dates, numbers and lists of names are written, and
//! French spacing around punctuation.
//!
//! A layout names its languages as BCP 47 tags (`en-CA`, `fr-CA`); the
//! first is the primary one, in which a plain string of the sources is
//! written. Dates, numbers and lists follow ICU4X's locale data (the same
//! family of crates Typst uses), so no month name or separator is kept
//! here; only a time of day follows the layout's own pattern, since the
//! series' house style ("9:40 am", "9 h 40") is not CLDR's.

use icu_calendar::Date as IcuDate;
use icu_datetime::{DateTimeFormatter, fieldsets};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};
use icu_locale_core::Locale;
use serde::Serialize;
use writeable::Writeable;

use crate::model::Date;

/// One language of the documents, as a layout names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// The whole tag, `fr-CA`.
    pub tag: String,
    /// The language subtag, `fr`: what a field's map by language is keyed
    /// by, and what output names carry (`NAME.fr.pdf`).
    pub code: String,
    /// The region subtag, `CA`, if any.
    pub region: Option<String>,
}

impl Language {
    /// Reads a BCP 47 tag such as `fr-CA`.
    pub fn parse(tag: &str) -> Result<Language, String> {
        let locale: Locale = tag
            .parse()
            .map_err(|_| format!("`{tag}` is not a language tag such as en-CA or fr-CA"))?;
        let code = locale.id.language.as_str().to_string();
        if code == "und" {
            return Err(format!("`{tag}` names no language"));
        }
        Ok(Language {
            tag: locale.to_string(),
            code,
            region: locale.id.region.map(|r| r.as_str().to_string()),
        })
    }

    /// The language's name in messages: "French translation missing".
    pub fn name(&self) -> String {
        match self.code.as_str() {
            "en" => "English".to_string(),
            "fr" => "French".to_string(),
            _ => format!("`{}`", self.tag),
        }
    }

    fn locale(&self) -> Locale {
        self.tag.parse().unwrap_or(Locale::UNKNOWN)
    }

    /// Whether the language's typography puts a space before `:` and the
    /// other high punctuation, and inside guillemets.
    pub fn spaces_high_punctuation(&self) -> bool {
        self.code == "fr"
    }
}

/// The languages of a layout, the primary one first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Languages(Vec<Language>);

impl Languages {
    /// The languages in order; the first is the primary one. `None` when
    /// `list` is empty.
    pub fn new(list: Vec<Language>) -> Option<Languages> {
        (!list.is_empty()).then_some(Languages(list))
    }

    /// The primary language, in which a plain string is written.
    pub fn primary(&self) -> &Language {
        &self.0[0]
    }

    /// Every language, the primary first.
    pub fn all(&self) -> &[Language] {
        &self.0
    }

    /// Whether a report gives one document per language, and so names
    /// them `NAME.en.pdf`, `NAME.fr.pdf`.
    pub fn several(&self) -> bool {
        self.0.len() > 1
    }

    /// The language whose code or tag is `wanted`.
    pub fn find(&self, wanted: &str) -> Option<&Language> {
        self.0
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(wanted) || l.tag.eq_ignore_ascii_case(wanted))
    }

    /// Whether `key` names one of the languages, by code (`fr`) or by tag
    /// (`fr-CA`): the keys of a map by language.
    pub fn is_key(&self, key: &str) -> bool {
        self.0.iter().any(|l| l.code == key || l.tag == key)
    }
}

/// Whether `key` is written as a language tag (`fr`, `fr-CA`): a map is
/// read as text by language only when every key is one.
pub fn looks_like_language_key(key: &str) -> bool {
    let (code, region) = match key.split_once('-') {
        Some((code, region)) => (code, Some(region)),
        None => (key, None),
    };
    (2..=3).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
}

/// How one language writes what the documents compose: dates, numbers
/// and lists of names. (Times of day follow the layout's own pattern: see
/// [`crate::view`].)
pub struct Formats {
    language: Language,
    dates: Option<DateTimeFormatter<fieldsets::YMD>>,
    numbers: Option<DecimalFormatter>,
    lists: Option<ListFormatter>,
}

impl Formats {
    /// The formats of `language`, from ICU4X's compiled data.
    pub fn new(language: &Language) -> Formats {
        let locale = language.locale();
        // Lists follow the language's own convention (English: "A, B, and
        // C", as the series has always written them; French: "A, B et C"),
        // not a region's variant of it.
        let list_locale: Locale = language.code.parse().unwrap_or(Locale::UNKNOWN);
        Formats {
            language: language.clone(),
            dates: DateTimeFormatter::try_new(locale.clone().into(), fieldsets::YMD::long()).ok(),
            numbers: DecimalFormatter::try_new(locale.into(), Default::default()).ok(),
            lists: ListFormatter::try_new_and(
                list_locale.into(),
                ListFormatterOptions::default().with_length(ListLength::Wide),
            )
            .ok(),
        }
    }

    /// "April 18, 2019", "18 avril 2019"; French writes the first of the
    /// month as an ordinal, "1er avril 2019".
    pub fn long_date(&self, date: Date) -> String {
        let formatted = IcuDate::try_new_iso(i32::from(date.year), date.month, date.day)
            .ok()
            .zip(self.dates.as_ref())
            .map(|(d, f)| f.format(&d).write_to_string().into_owned());
        let Some(mut text) = formatted else {
            return date.iso();
        };
        if self.language.code == "fr" && date.day == 1 && text.starts_with("1 ") {
            text.replace_range(..1, "1er");
        }
        text
    }

    /// A whole number with the language's digit grouping: "1,200",
    /// "1 200".
    pub fn number(&self, value: u64) -> String {
        match &self.numbers {
            Some(f) => f
                .format(&Decimal::from(value))
                .write_to_string()
                .into_owned(),
            None => value.to_string(),
        }
    }

    /// Names joined as running text: "A, B, and C", "A, B et C".
    pub fn join(&self, names: &[String]) -> String {
        match &self.lists {
            Some(f) => f.format(names.iter()).write_to_string().into_owned(),
            None => names.join(", "),
        }
    }
}

/// No-break space, before `:` and inside « » in French.
const NO_BREAK_SPACE: char = '\u{A0}';
/// Narrow no-break space, before `;`, `!` and `?` in French.
const NARROW_NO_BREAK_SPACE: char = '\u{202F}';

/// Puts French spacing in words the layout composes: a no-break space
/// before `:` and inside « », a narrow one before `;`, `!` and `?`, in
/// place of a space or none. Text of other languages is returned as is.
///
/// Only for the layout's own words: an editor's text is printed as
/// written.
pub fn typeset_punctuation(text: &str, language: &Language) -> String {
    if !language.spaces_high_punctuation() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let space = match c {
            ':' | '»' => Some(NO_BREAK_SPACE),
            ';' | '!' | '?' => Some(NARROW_NO_BREAK_SPACE),
            _ => None,
        };
        // A colon inside a word or a number (`9:40`, `https:`) is not the
        // sentence's punctuation.
        let in_word = c == ':'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
        if let Some(space) = space
            && i > 0
            && !in_word
        {
            while out.ends_with([' ', NO_BREAK_SPACE, NARROW_NO_BREAK_SPACE]) {
                out.pop();
            }
            out.push(space);
        }
        out.push(c);
        i += 1;
        if c == '«' {
            while chars
                .get(i)
                .is_some_and(|&n| n == ' ' || n == NO_BREAK_SPACE)
            {
                i += 1;
            }
            out.push(NO_BREAK_SPACE);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(tag: &str) -> Language {
        Language::parse(tag).unwrap()
    }

    #[test]
    fn reads_tags() {
        let fr = language("fr-CA");
        assert_eq!((fr.code.as_str(), fr.region.as_deref()), ("fr", Some("CA")));
        assert!(Language::parse("not a tag").is_err());
        assert!(looks_like_language_key("fr") && looks_like_language_key("fr-CA"));
        assert!(!looks_like_language_key("CIRA") && !looks_like_language_key("name"));
    }

    #[test]
    fn dates_and_numbers_by_language() {
        let date = Date {
            year: 2019,
            month: 4,
            day: 18,
        };
        let first = Date { day: 1, ..date };
        let en = Formats::new(&language("en-CA"));
        let fr = Formats::new(&language("fr-CA"));
        assert_eq!(en.long_date(date), "April 18, 2019");
        assert_eq!(fr.long_date(date), "18 avril 2019");
        assert_eq!(fr.long_date(first), "1er avril 2019");
        assert_eq!(en.number(1200), "1,200");
        assert_eq!(fr.number(1200), "1\u{A0}200");
        let names: Vec<String> = ["A", "B", "C"].map(String::from).to_vec();
        assert_eq!(en.join(&names), "A, B, and C");
        assert_eq!(fr.join(&names), "A, B et C");
        assert_eq!(en.join(&names[..2]), "A and B");
    }

    #[test]
    fn french_spacing() {
        let fr = language("fr-CA");
        assert_eq!(
            typeset_punctuation("Processus : thème; oui! « citation »", &fr),
            "Processus\u{A0}: thème\u{202F}; oui\u{202F}! «\u{A0}citation\u{A0}»"
        );
        assert_eq!(
            typeset_punctuation("{process}: {theme}", &fr),
            "{process}\u{A0}: {theme}"
        );
        assert_eq!(typeset_punctuation("à 9:40", &fr), "à 9:40");
        assert_eq!(typeset_punctuation("a: b", &language("en-CA")), "a: b");
    }
}
