//! The home page (工作台): who is signed in, the notices waiting to be read, and the plan
//! cycles.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::Actor;
use crate::cycles::{self, Cycle};
use crate::error::AppError;
use crate::notices::{self, views::UnreadRow};
use crate::reference::Ref;
use crate::state::AppState;
use crate::web::layout::{Chrome, Layout};
use crate::web::render;

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    layout: Layout,
    actor_name: String,
    role_label: &'static str,
    region_name: Option<String>,
    cycles: Vec<Cycle>,
    current_cycle: Option<Cycle>,
    unread: Vec<UnreadRow>,
    /// More unread notices than listed.
    unread_more: bool,
}

pub async fn index(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Ref(reference): Ref,
) -> Result<Response, AppError> {
    let account = chrome.viewer.person.clone().ok_or(AppError::SignInRequired)?;
    let mut unread = notices::unread_for(&state, &actor).await?;
    let unread_more = unread.len() as i64 > notices::HOME_UNREAD;
    unread.truncate(notices::HOME_UNREAD as usize);
    // Reference data only, held in memory: no statement of its own.
    let cycles = reference.cycles.clone();
    let current_cycle = cycles::model::current(&cycles, crate::values::time::today()).cloned();
    render(HomePage {
        layout: chrome.layout("工作台", Vec::new()),
        actor_name: account.display_name.clone(),
        role_label: account.role.map(|r| r.label()).unwrap_or("未分配角色"),
        region_name: account.region.as_ref().map(|r| r.name.clone()),
        cycles,
        current_cycle,
        unread: unread.iter().map(UnreadRow::of).collect(),
        unread_more,
    })
}
