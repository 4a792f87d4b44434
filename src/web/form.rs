//! Forms: a Chinese message per field, shown beside it when the form comes back; a parser that
//! turns a form's text into checked values and collects every field's message at once; and the
//! choices of a select.

use std::borrow::Cow;

use crate::macros::Labelled;
use crate::values::{FieldValue, ValueError};

/// Whether a request's body is a URL-encoded form, as every post form but an upload sends.
pub fn is_url_encoded(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, Cow<'static, str>)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<Cow<'static, str>>) {
        self.0.push((field, message.into()));
    }

    pub fn add_owned(&mut self, field: &'static str, message: String) {
        self.add(field, message);
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

    /// The CSS class for a select.
    pub fn select_class(&self, field: &str) -> &'static str {
        if self.get(field).is_some() { "form-select is-invalid" } else { "form-select" }
    }
}

/// Reads a form field by field into checked values. Each call records the field's message if
/// its input does not parse; `finish` answers with all of them, or with the built value.
///
/// ```text
/// let mut p = FormParser::default();
/// let person = p.value::<Text<50>>("contact_person", &form.contact_person);
/// let phone = p.optional::<Phone>("contact_phone", &form.contact_phone);
/// let version = p.value::<Version>("version", &form.version);
/// p.finish(|| Some((Contact { person: person?, phone: phone? }, version?)))
/// ```
#[derive(Debug, Default)]
pub struct FormParser {
    errors: FieldErrors,
}

impl FormParser {
    /// A value that must be given.
    pub fn required<T: FieldValue>(&mut self, field: &'static str, raw: &str) -> Option<T> {
        let input = raw.trim();
        if input.is_empty() {
            self.errors.add(field, "此项为必填项");
            return None;
        }
        self.parse(field, input)
    }

    /// A value that may be left empty: `Some(None)` when it is.
    pub fn optional<T: FieldValue>(&mut self, field: &'static str, raw: &str) -> Option<Option<T>> {
        let input = raw.trim();
        if input.is_empty() {
            return Some(None);
        }
        self.parse(field, input).map(Some)
    }

    /// A value whose type decides about emptiness itself (free text may be empty; a version
    /// may not).
    pub fn value<T: FieldValue>(&mut self, field: &'static str, raw: &str) -> Option<T> {
        self.parse(field, raw.trim())
    }

    /// A rule across fields, or one the value type cannot know: the message if `ok` is false.
    pub fn check(&mut self, field: &'static str, ok: bool, message: impl Into<Cow<'static, str>>) {
        if !ok {
            self.errors.add(field, message);
        }
    }

    fn parse<T: FieldValue>(&mut self, field: &'static str, input: &str) -> Option<T> {
        match T::parse_field(input) {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.add(field, e.0);
                None
            }
        }
    }

    /// The built value when every field parsed, else every field's message.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        match build() {
            Some(value) => Ok(value),
            None => {
                let mut errors = self.errors;
                errors.add("form", "表单内容不完整，请重新填写");
                Err(errors)
            }
        }
    }
}

/// A choice among a labelled enum's values (a select): its stable name.
impl<T: Labelled> FieldValue for T {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        T::all().iter().copied().find(|v| v.name() == input).ok_or(ValueError::new("请从列表中选择"))
    }
}

/// One option of a select.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice { value: value.into(), label: label.into() }
    }
}

/// The years a yearly list offers, newest first: from 2021 (the first cycle) to `this_year`.
pub fn year_choices(this_year: i32) -> Vec<Choice> {
    (2021..=this_year).rev().map(|y| Choice::new(y.to_string(), format!("{y} 年"))).collect()
}

/// The year a yearly list shows: the one asked for if it is from 2000 to next year, else this.
pub fn year_asked(asked: Option<u32>, this_year: i32) -> i32 {
    asked.and_then(|y| i32::try_from(y).ok()).filter(|y| (2000..=this_year + 1).contains(y)).unwrap_or(this_year)
}

/// Every value of a labelled enum, as choices.
pub fn choices<T: Labelled>() -> Vec<Choice> {
    T::all().iter().map(|v| Choice::new(v.name(), v.text())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yearly_lists_offer_the_years_since_2021_and_show_this_year_unless_another_is_asked() {
        let years = year_choices(2026);
        assert_eq!((years.len(), years[0].value.as_str(), years[5].label.as_str()), (6, "2026", "2021 年"));
        assert_eq!(year_asked(Some(2024), 2026), 2024);
        assert_eq!(year_asked(Some(2027), 2026), 2027, "next year's plans");
        assert_eq!(year_asked(Some(2028), 2026), 2026);
        assert_eq!(year_asked(Some(1999), 2026), 2026);
        assert_eq!(year_asked(None, 2026), 2026);
    }
    use crate::values::{Phone, Text, Version};

    #[derive(Debug, PartialEq)]
    struct Contact {
        person: Text<5>,
        phone: Option<Phone>,
        version: Version,
    }

    fn parse(person: &str, phone: &str, version: &str) -> Result<Contact, FieldErrors> {
        let mut p = FormParser::default();
        let person = p.required::<Text<5>>("person", person);
        let phone = p.optional::<Phone>("phone", phone);
        let version = p.value::<Version>("version", version);
        p.finish(|| Some(Contact { person: person?, phone: phone?, version: version? }))
    }

    #[test]
    fn every_fields_message_comes_at_once() {
        let errors = parse("", "123", "x").unwrap_err();
        assert_eq!(errors.get("person"), Some("此项为必填项"));
        assert!(errors.get("phone").unwrap().contains("有效的电话号码"));
        assert!(errors.get("version").unwrap().contains("表单已损坏"));
        let ok = parse(" 李建国 ", "", "2").unwrap();
        assert_eq!((ok.person.as_str(), ok.phone, ok.version), ("李建国", None, Version(2)));
        assert_eq!(parse("李建国李建国", "", "1").unwrap_err().get("person"), Some("不能超过 5 个字符"));
    }

    #[test]
    fn choices_come_from_the_enum() {
        let kinds = choices::<crate::org::DepartmentKind>();
        assert_eq!(kinds.len(), 10);
        assert_eq!(kinds[0], Choice::new("hrss", "人力资源社会保障"));
    }
}
