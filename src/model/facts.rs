//! Small validated values: dates, times of day, head counts and web
//! addresses, each parsed from what an editor types.
//!
//! Each parser has its JSON Schema beside it (`*_schema`), so that a change
//! to what a parser accepts is made next to the pattern editors are shown.

use std::fmt;

use schemars::{Schema, SchemaGenerator, json_schema};
use serde::Serialize;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// Year, such as 2019.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, from 1.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, refusing days that do not exist.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return Err(format!("\"{text}\" is not written as year-month-day"));
        };
        let number = |s: &str, what: &str| {
            s.parse::<u16>()
                .map_err(|_| format!("\"{s}\" is not a {what}"))
        };
        let year = number(year, "year")?;
        let month = u8::try_from(number(month, "month")?).unwrap_or(0);
        let day = u8::try_from(number(day, "day")?).unwrap_or(0);
        if !(1..=12).contains(&month) {
            return Err(format!("there is no month {month}"));
        }
        if !(1000..=9999).contains(&year) {
            return Err(format!("{year} is not a four-digit year"));
        }
        let days = days_in_month(year, month);
        if day == 0 || day > days {
            return Err(format!(
                "{} {year} has no day {day}",
                MONTHS[usize::from(month - 1)]
            ));
        }
        Ok(Self { year, month, day })
    }

    /// "April 18, 2019", as the reports write dates.
    pub fn long(&self) -> String {
        format!(
            "{} {}, {}",
            MONTHS[usize::from(self.month - 1)],
            self.day,
            self.year
        )
    }

    /// "2019-04-18".
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date as year-month-day with a day the month can have (February 29
/// in any year), as a JSON Schema pattern. `format: date` says the same
/// and knows leap years, but editors' language servers check only its
/// form; this pattern lets them underline April 31 too.
pub const DATE_PATTERN: &str = r"^[0-9]{4}-(02-(0[1-9]|1[0-9]|2[0-9])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01]))$";

/// The schema of a `date:` field: what [`Date::parse`] reads, or nothing
/// while the date is not known, which the report flags.
///
/// The parser accepts one-digit months and days besides, which the schema
/// steers editors away from.
pub(crate) fn date_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            {
                "type": "string",
                "format": "date",
                "pattern": DATE_PATTERN,
                "patternErrorMessage": "Write the date as year-month-day, e.g. 2019-04-18, with a day the month has.",
            },
            { "type": "string", "pattern": r"^\s*$" },
            { "type": "null" },
        ],
        "examples": ["2019-04-18"],
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A time of day, shown as "9:40 am".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TimeOfDay {
    /// Hours since midnight, 0 to 23.
    pub hour: u8,
    /// Minutes, 0 to 59.
    pub minute: u8,
}

impl TimeOfDay {
    /// Parses "9:40 am", "12:15 pm", "9:40" or "13:00".
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.to_ascii_lowercase();
        let (clock, meridiem) = match lower
            .strip_suffix("am")
            .or_else(|| lower.strip_suffix("a.m."))
        {
            Some(rest) => (rest.trim(), Some(false)),
            None => match lower
                .strip_suffix("pm")
                .or_else(|| lower.strip_suffix("p.m."))
            {
                Some(rest) => (rest.trim(), Some(true)),
                None => (lower.trim(), None),
            },
        };
        let (hour, minute) = clock
            .split_once(':')
            .ok_or_else(|| format!("\"{text}\" has no hours:minutes"))?;
        let hour: u8 = hour
            .parse()
            .map_err(|_| format!("\"{hour}\" is not an hour"))?;
        let minute: u8 = minute
            .parse()
            .map_err(|_| format!("\"{minute}\" is not a minute"))?;
        if minute > 59 {
            return Err(format!("there is no minute {minute}"));
        }
        let hour = match meridiem {
            Some(_) if hour == 0 || hour > 12 => {
                return Err(format!("{hour} is not an hour on a 12-hour clock"));
            }
            Some(false) => hour % 12,
            Some(true) => hour % 12 + 12,
            None if hour > 23 => return Err(format!("there is no hour {hour}")),
            None => hour,
        };
        Ok(Self { hour, minute })
    }
}

/// What [`TimeOfDay::parse`] reads, as a JSON Schema pattern: a 12-hour
/// time with am or pm (`a.m.`, `PM`, with or without a space), or a 24-hour
/// one. JSON Schema patterns have no flags, so case is spelt out.
pub const TIME_PATTERN: &str = r"^\s*(((0?[1-9]|1[0-2]):[0-5]?[0-9]\s*([AaPp][Mm]|[AaPp]\.[Mm]\.))|(([01]?[0-9]|2[0-3]):[0-5]?[0-9]))\s*$";

/// The schema of an agenda item's `time:`.
pub(crate) fn time_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": TIME_PATTERN,
        "patternErrorMessage": "Write the time as 9:40 am, 12:15 pm or, on a 24-hour clock, 13:00.",
        "examples": ["9:40 am", "12:15 pm", "13:00"],
    })
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hour, meridiem) = match self.hour {
            0 => (12, "am"),
            h @ 1..=11 => (h, "am"),
            12 => (12, "pm"),
            h => (h - 12, "pm"),
        };
        write!(f, "{hour}:{:02} {meridiem}", self.minute)
    }
}

/// A head count, exact or approximate ("~40").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// The number.
    pub value: u32,
    /// Whether the sources give it as approximate.
    pub approximate: bool,
}

impl Figure {
    /// Parses "40", "~40" or "about 40".
    pub fn parse(text: &str) -> Result<Self, String> {
        let (approximate, digits) = match text
            .strip_prefix('~')
            .or_else(|| text.strip_prefix("about "))
        {
            Some(rest) => (true, rest.trim()),
            None => (false, text),
        };
        let value = digits
            .replace(',', "")
            .parse()
            .map_err(|_| format!("\"{text}\" is not a number"))?;
        Ok(Self { value, approximate })
    }
}

/// What [`Figure::parse`] reads from text, as a JSON Schema pattern: a
/// whole number, approximate with `~` or `about ` in front, thousands
/// optionally separated by commas; or nothing, which the report flags as
/// still to be given.
pub const FIGURE_PATTERN: &str = r"^\s*((~|about )\s*)?[0-9][0-9,]*\s*$|^\s*$";

/// The schema of an attendance figure: YAML reads `40` as a number and
/// `~40` as text, and the model takes both; empty is a placeholder.
pub(crate) fn figure_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "integer", "minimum": 0, "maximum": u32::MAX },
            {
                "type": "string",
                "pattern": FIGURE_PATTERN,
                "patternErrorMessage": "Write a whole number, with ~ in front when approximate: ~40.",
            },
            { "type": "null" },
        ],
        "examples": [40, "~40"],
    })
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.approximate {
            write!(f, "~{}", self.value)
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// Checks that a web address is complete: `http(s)://host/...`, no spaces.
pub fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it does not start with https:// or http://")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains a space".into());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !host.contains('.') && host != "localhost" {
        return Err(format!("\"{host}\" is not a host name"));
    }
    Ok(())
}

/// What [`check_url`] accepts, as a JSON Schema pattern: `http(s)://`, a
/// host with a dot in it (or `localhost`), and no spaces.
pub const URL_PATTERN: &str = r"^https?://([^/?#\s]*\.[^/?#\s]*|localhost)([/?#]\S*)?$";

/// What a plain field takes as a placeholder instead of its value, as a
/// JSON Schema pattern: nothing, or only an editor's marker
/// (`[link to come]`, `TBD`). Made from the marker words the model knows.
pub fn placeholder_pattern() -> String {
    format!(
        r"^\s*(\[[^\]]+\]|{})?\s*$",
        super::rich::MARKER_WORDS.join("|")
    )
}

/// The schema of a web address field such as `livestream:`: the address,
/// or, while it is not known, nothing or an editor's marker.
pub(crate) fn web_address_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            {
                "type": "string",
                "format": "uri",
                "pattern": URL_PATTERN,
                "patternErrorMessage": "Write the full address, starting with https://, or leave it empty while it is not known.",
            },
            { "type": "string", "pattern": placeholder_pattern() },
            { "type": "null" },
        ],
        "examples": ["https://livestream.com/internetsociety/iotsecurity2018-6"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2019-04-18").unwrap().long(), "April 18, 2019");
        assert!(Date::parse("2019-02-29").unwrap_err().contains("no day 29"));
        assert!(Date::parse("2020-02-29").is_ok());
        assert!(Date::parse("April 18").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(TimeOfDay::parse("8:30 am").unwrap().to_string(), "8:30 am");
        assert_eq!(
            TimeOfDay::parse("12:15 pm").unwrap().to_string(),
            "12:15 pm"
        );
        assert_eq!(TimeOfDay::parse("13:00").unwrap().to_string(), "1:00 pm");
        assert!(TimeOfDay::parse("25:00").is_err());
        assert!(TimeOfDay::parse("13:00 pm").is_err());
    }

    #[test]
    fn figures() {
        assert_eq!(
            Figure::parse("~40").unwrap(),
            Figure {
                value: 40,
                approximate: true
            }
        );
        assert_eq!(Figure::parse("55").unwrap().to_string(), "55");
        assert!(Figure::parse("forty").is_err());
    }

    #[test]
    fn urls() {
        assert!(check_url("https://livestream.com/internetsociety/iotsecurity2018-6").is_ok());
        assert!(check_url("livestream.com").is_err());
        assert!(check_url("https://exa mple.com").is_err());
    }
}
