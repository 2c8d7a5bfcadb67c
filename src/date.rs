//! Calendar dates as the hub writes them (`YYYY-MM-DD`): parsing with a reason for
//! every rejection, ordering, and the forms pages and feeds print.
//!
//! A date library would bring time zones and formatting machinery the hub never
//! needs: pages carry whole days, feeds print them at midnight UTC.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A valid day of the Gregorian calendar. Orders chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

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

impl Date {
    /// Parses `YYYY-MM-DD`, saying what is wrong when it is not a real date.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let shape_ok = parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|part| part.bytes().all(|b| b.is_ascii_digit()));
        if !shape_ok {
            return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
        }
        // The shape check above guarantees short runs of digits.
        let number = |part: &str| part.parse::<u16>().unwrap_or(0);
        let (year, month, day) = (number(parts[0]), number(parts[1]), number(parts[2]));
        if !(1..=12).contains(&month) {
            return Err(format!("`{text}` has month {month}; months run from 01 to 12"));
        }
        let last = days_in_month(year, month as u8);
        if day == 0 || day > u16::from(last) {
            let name = MONTHS[month as usize - 1];
            return Err(format!("`{text}` has day {day}; {name} {year} has {last} days"));
        }
        Ok(Date { year, month: month as u8, day: day as u8 })
    }

    /// A day-first date as written in the UK (`14/08/2023`, `14.8.2023`,
    /// `14-08-2023`), for a hint offering its year-first form; `None` when
    /// the text is not one, or not a real day.
    pub fn day_first(text: &str) -> Option<Date> {
        let parts: Vec<&str> = text.trim().split(['/', '.', '-']).collect();
        let [day, month, year] = parts.as_slice() else { return None };
        // `parse` checks every part's digits and range once padded.
        Date::parse(&format!("{year}-{month:0>2}-{day:0>2}")).ok()
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Date::from_days_since_epoch((seconds / 86_400) as i64)
    }

    /// The count of days since 1970-01-01 (Howard Hinnant's days-from-civil),
    /// so two dates' difference is a number of days.
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// Converts a count of days since 1970-01-01 (Howard Hinnant's civil-from-days).
    fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// "12 May 2022", the form pages show.
    pub fn human(self) -> String {
        format!("{} {} {}", self.day, MONTHS[self.month as usize - 1], self.year)
    }

    /// "2022-05-12T00:00:00Z", the form Atom feeds need.
    pub fn rfc3339(self) -> String {
        format!("{self}T00:00:00Z")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_count_both_ways() {
        for days in [-500_000, -1, 0, 1, 59, 60, 365, 11_016, 20_000, 200_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        let date = |text: &str| Date::parse(text).unwrap().days_since_epoch();
        assert_eq!(date("1970-01-01"), 0);
        assert_eq!(date("2024-03-01") - date("2024-02-28"), 2, "a leap year");
        assert_eq!(date("2026-12-31") - date("2026-12-06"), 25);
    }

    #[test]
    fn parses_and_prints() {
        let date = Date::parse("2022-05-12").unwrap();
        assert_eq!(date.to_string(), "2022-05-12");
        assert_eq!(date.human(), "12 May 2022");
        assert_eq!(date.rfc3339(), "2022-05-12T00:00:00Z");
    }

    #[test]
    fn rejects_impossible_dates_with_a_reason() {
        assert!(Date::parse("2023-02-29").unwrap_err().contains("February 2023 has 28 days"));
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2022-13-01").unwrap_err().contains("month 13"));
        assert!(Date::parse("12/05/2022").unwrap_err().contains("YYYY-MM-DD"));
        assert!(Date::parse("").is_err());
    }

    #[test]
    fn a_day_first_date_is_offered_year_first_only_when_it_is_a_real_day() {
        assert_eq!(Date::day_first("14/08/2023").map(|date| date.to_string()).as_deref(), Some("2023-08-14"));
        assert_eq!(Date::day_first(" 1.2.2024 ").map(|date| date.to_string()).as_deref(), Some("2024-02-01"));
        assert_eq!(Date::day_first("29-02-2024").map(|date| date.to_string()).as_deref(), Some("2024-02-29"));
        for not_one in ["31/02/2023", "14/08/23", "2023/08/14", "14/08", "a/08/2023", "14/123/2023", "/08/2023"] {
            assert_eq!(Date::day_first(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn converts_epoch_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(19_124).to_string(), "2022-05-12");
        assert_eq!(Date::from_days_since_epoch(11_016).to_string(), "2000-02-29");
    }
}
