//! Dates as writers type them: TOML dates and datetimes, or strings in YAML.
//!
//! Everything becomes a UTC instant, so sorting, the "future posts are not published"
//! rule and RFC 3339 in feeds need no further case analysis. A date without a time means
//! midnight UTC.

use std::fmt;

use jiff::Timestamp;
use jiff::civil;
use jiff::tz::TimeZone;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time from front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub Timestamp);

impl Date {
    /// Parses `2026-03-14`, `2026-03-14T09:30:00Z`, `2026-03-14T09:30:00+02:00` or
    /// `2026-03-14 09:30:00` (read as UTC).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(ts) = text.parse::<Timestamp>() {
            return Some(Date(ts));
        }
        if let Ok(dt) = text.parse::<civil::DateTime>() {
            return dt.to_zoned(TimeZone::UTC).ok().map(|z| Date(z.timestamp()));
        }
        let date = text.parse::<civil::Date>().ok()?;
        date.to_zoned(TimeZone::UTC)
            .ok()
            .map(|z| Date(z.timestamp()))
    }

    /// The current instant.
    pub fn now() -> Date {
        Date(Timestamp::now())
    }

    /// RFC 3339, as Atom and sitemaps want it.
    pub fn rfc3339(&self) -> String {
        self.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// Formats with strftime-style directives, in UTC.
    pub fn format(&self, format: &str) -> Result<String, String> {
        let zoned = self.0.to_zoned(TimeZone::UTC);
        let mut out = String::new();
        use std::fmt::Write;
        write!(out, "{}", zoned.strftime(format))
            .map_err(|_| format!("bad date format `{format}`"))?;
        Ok(out)
    }

    /// The month, 1-12 (UTC), which names it in the site's language.
    pub fn month(&self) -> i8 {
        self.0.to_zoned(TimeZone::UTC).month()
    }

    /// Months between this date and `later` (floored), for staleness advice.
    pub fn months_until(&self, later: Date) -> i64 {
        let a = self.0.to_zoned(TimeZone::UTC);
        let b = later.0.to_zoned(TimeZone::UTC);
        let months = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month())
            - i64::from(a.month());
        if b.day() < a.day() {
            months - 1
        } else {
            months
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.rfc3339())
    }
}

const EXPECTED: &str = "a date like 2026-03-14 or 2026-03-14T09:30:00Z";

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
        Date::parse(text)
            .ok_or_else(|| E::custom(format!("invalid date `{text}`, expected {EXPECTED}")))
    }

    /// TOML datetimes arrive as a one-entry map holding their text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        let Some((_, text)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom(format!("expected {EXPECTED}")));
        };
        self.visit_str(&text)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_writers_use() {
        for text in [
            "2026-03-14",
            "2026-03-14T00:00:00Z",
            "2026-03-14 00:00:00",
            "2026-03-14T02:00:00+02:00",
        ] {
            assert_eq!(
                Date::parse(text).unwrap().rfc3339(),
                "2026-03-14T00:00:00Z",
                "{text}"
            );
        }
        assert!(Date::parse("14/03/2026").is_none());
    }

    #[test]
    fn toml_dates_deserialize() {
        #[derive(Deserialize)]
        struct T {
            d: Date,
        }
        let t: T = toml::from_str("d = 2026-03-14T09:30:00Z").unwrap();
        assert_eq!(t.d.rfc3339(), "2026-03-14T09:30:00Z");
        let t: T = toml::from_str("d = 2026-03-14").unwrap();
        assert_eq!(t.d.format("%B %-d, %Y").unwrap(), "March 14, 2026");
    }

    #[test]
    fn months_until_floors() {
        let a = Date::parse("2024-01-15").unwrap();
        assert_eq!(a.months_until(Date::parse("2026-01-14").unwrap()), 23);
        assert_eq!(a.months_until(Date::parse("2026-01-15").unwrap()), 24);
    }
}
