//! Free text of bounded length.

use super::{FieldValue, ValueError};

/// Text of at most `MAX` characters (after trimming), as the column's CHECK allows.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        if text.chars().count() > MAX {
            return Err(ValueError::owned(format!("不能超过 {MAX} 个字符")));
        }
        Ok(Text(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<const MAX: usize> FieldValue for Text<MAX> {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Self::parse(input)
    }
}

impl<const MAX: usize> std::fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(Text::<5>::parse(" 沈阳市人社 ").unwrap().as_str(), "沈阳市人社");
        assert_eq!(Text::<5>::parse("沈阳市人社局").unwrap_err().to_string(), "不能超过 5 个字符");
        assert!(Text::<5>::parse("   ").unwrap().is_empty());
    }
}
