use serde::Serialize;

/// Surrogate key of a region; the six-digit code is the business key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct RegionId(pub i64);

impl std::fmt::Display for RegionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// 省本级 or 地级市.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RegionLevel {
    Province,
    City,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
        }
    }

    pub fn parse(s: &str) -> Option<RegionLevel> {
        match s {
            "province" => Some(RegionLevel::Province),
            "city" => Some(RegionLevel::City),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    pub id: RegionId,
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
}

/// A region code is six digits (GB/T 2260 administrative division code).
pub fn is_valid_region_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes_are_six_digits() {
        assert!(is_valid_region_code("210100"));
        assert!(!is_valid_region_code("21010"));
        assert!(!is_valid_region_code("21010a"));
        assert!(!is_valid_region_code("2101000"));
    }

    #[test]
    fn levels_round_trip() {
        for level in [RegionLevel::Province, RegionLevel::City] {
            assert_eq!(RegionLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(RegionLevel::parse("county"), None);
    }
}
