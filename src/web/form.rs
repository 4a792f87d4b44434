//! Field errors of a form: a Chinese message per field, shown beside it when the form comes back.

use std::borrow::Cow;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, Cow<'static, str>)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: &'static str) {
        self.0.push((field, Cow::Borrowed(message)));
    }

    pub fn add_owned(&mut self, field: &'static str, message: String) {
        self.0.push((field, Cow::Owned(message)));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_ref())
    }

    /// The CSS class for an input: invalid when its field has a message.
    pub fn class(&self, field: &str) -> &'static str {
        if self.get(field).is_some() { "form-control is-invalid" } else { "form-control" }
    }
}
