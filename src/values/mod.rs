//! Value types that parse what people type, with a Chinese message for what does not parse:
//! parse, don't validate. A form's fields become these (`web::form::FormParser` collects every
//! field's message at once), and the rules and the database only ever see checked values. It
//! imports nothing of ours.

pub mod codes;
pub mod mask;
pub mod money;
pub mod number;
pub mod phone;
pub mod text;
pub mod time;

use std::borrow::Cow;

pub use codes::{CreditCode, IdCardNumber, RegionCode};
pub use money::{Money, MoneyInWan};
pub use number::{Count, Percent, Version};
pub use phone::Phone;
pub use text::Text;
pub use time::Date;

/// Why an input was refused, in words for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub Cow<'static, str>);

impl ValueError {
    pub fn new(message: &'static str) -> ValueError {
        ValueError(Cow::Borrowed(message))
    }

    pub fn owned(message: String) -> ValueError {
        ValueError(Cow::Owned(message))
    }
}

/// A value a form field holds. `parse_field` gets the input trimmed and never empty (whether
/// a field may be left empty is the form's decision, not the value's).
pub trait FieldValue: Sized {
    fn parse_field(input: &str) -> Result<Self, ValueError>;
}

impl FieldValue for String {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Ok(input.to_string())
    }
}
