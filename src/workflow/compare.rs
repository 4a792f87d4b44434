//! The page that shows two frozen versions of any record side by side.

use askama::Template;

use super::versions::{Comparison, Version};
use crate::values::time;
use crate::web::form::Choice;
use crate::web::layout::{Chrome, Crumb, Layout};

#[derive(Template)]
#[template(path = "workflow/compare.html")]
pub struct ComparePage {
    pub layout: Layout,
    /// The record's URL (the form posts to `{base}/compare`).
    pub base: String,
    pub back_label: &'static str,
    pub versions: Vec<Choice>,
    pub a: String,
    pub b: String,
    pub comparison: Comparison,
}

impl ComparePage {
    /// `crumbs` lead to the record; the page adds 版本比较.
    pub fn new(
        chrome: &Chrome,
        mut crumbs: Vec<Crumb>,
        base: String,
        back_label: &'static str,
        versions: &[Version],
        (a, b): (i32, i32),
        comparison: Comparison,
    ) -> ComparePage {
        crumbs.push(Crumb::here("版本比较"));
        ComparePage {
            layout: chrome.layout("版本比较", crumbs),
            base,
            back_label,
            versions: versions
                .iter()
                .map(|v| {
                    Choice::new(
                        v.version_no.to_string(),
                        format!("第 {} 版（{} {}）", v.version_no, v.account_name, time::minutes(&v.frozen_at)),
                    )
                })
                .collect(),
            a: a.to_string(),
            b: b.to_string(),
            comparison,
        }
    }
}
