//! Small validated values: dates, times of day, head counts and web
//! addresses, each parsed from what an editor types.

use std::fmt;

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
