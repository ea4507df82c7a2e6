//! Calendar dates as profiles write them: `2019`, `2019-03` or `2019-03-14`.

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateEnd {
    On(Date),
    Present,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Date, String> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, digits: usize, what: &str| -> Result<u32, String> {
            if s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()) {
                Ok(s.parse().unwrap_or(0))
            } else {
                Err(format!("`{text}` is not a date: the {what} must have {digits} digits"))
            }
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("`{text}` is not a date"));
        }
        let year = number(parts[0], 4, "year")? as i32;
        let month = match parts.get(1) {
            Some(m) => {
                let m = number(m, 2, "month")?;
                if !(1..=12).contains(&m) {
                    return Err(format!("`{text}` is not a date: month {m} is not between 01 and 12"));
                }
                Some(m as u8)
            }
            None => None,
        };
        let day = match (parts.get(2), month) {
            (Some(d), Some(m)) => {
                let d = number(d, 2, "day")?;
                let last = days_in_month(year, u32::from(m));
                if d == 0 || d > u32::from(last) {
                    return Err(format!("`{text}` is not a date: month {m:02} of {year} has {last} days"));
                }
                Some(d as u8)
            }
            _ => None,
        };
        Ok(Date { year, month, day })
    }

    /// Orders two dates, reading a missing month or day as "any time in it", so that
    /// `2019` and `2019-05` are not out of order.
    pub fn compare_loosely(&self, other: &Date) -> Ordering {
        self.year
            .cmp(&other.year)
            .then(match (self.month, other.month) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => Ordering::Equal,
            })
            .then(match (self.day, other.day) {
                (Some(a), Some(b)) if self.month == other.month => a.cmp(&b),
                _ => Ordering::Equal,
            })
    }
}

fn days_in_month(year: i32, month: u32) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(Date::parse("2019").unwrap(), Date { year: 2019, month: None, day: None });
        assert_eq!(Date::parse("2019-03").unwrap().month, Some(3));
        assert_eq!(Date::parse("2020-02-29").unwrap().day, Some(29));
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(Date::parse("2019-13").unwrap_err().contains("month 13"));
        assert!(Date::parse("2019-02-29").unwrap_err().contains("28 days"));
        assert!(Date::parse("19-02").is_err());
        assert!(Date::parse("March 2019").is_err());
    }

    #[test]
    fn partial_dates_compare_loosely() {
        let y = Date::parse("2019").unwrap();
        let m = Date::parse("2019-05").unwrap();
        assert_eq!(y.compare_loosely(&m), Ordering::Equal);
        assert_eq!(Date::parse("2018-12").unwrap().compare_loosely(&m), Ordering::Less);
    }
}
