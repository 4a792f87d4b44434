//! The page that asks before a destructive action (停用, 重置, 删除 …): what will happen, a
//! button that posts, and the way back.

use askama::Template;

use crate::web::layout::{Chrome, Crumb, Layout};

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub question: String,
    /// Where the confirmation posts.
    pub action: String,
    pub button: &'static str,
    /// Where 取消 leads.
    pub back: String,
}

impl ConfirmPage {
    /// `crumbs` lead to the record; the page's own crumb (the heading) is added.
    pub fn new(
        chrome: &Chrome,
        mut crumbs: Vec<Crumb>,
        heading: &'static str,
        question: String,
        action: String,
        button: &'static str,
        back: String,
    ) -> ConfirmPage {
        crumbs.push(Crumb::here(heading));
        ConfirmPage { layout: chrome.layout(heading, crumbs), heading, question, action, button, back }
    }
}
