//! The auditor's pages: the log searched by time, account, role, region, action, object and
//! result; a record's whole history compared field by field; the filtered log as Excel. Every
//! search and export is itself audited; personal data stays masked.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::export::{self, ExportJob};
use super::model::AuditQuery;
use super::store::{self, AuditRow};
use super::views::{AuditLine, AuditPage, HistoryEntry, HistoryPage};
use super::{Action, AuditContext, Event, record_alone};
use crate::error::AppError;
use crate::org::Role;
use crate::reference::Ref;
use crate::state::AppState;
use crate::web::export::{Cell, Column, Kind};
use crate::web::form::{Choice, choices};
use crate::web::layout::{Chrome, Crumb};
use crate::web::pagination::{Cursor, Keyset};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(search))
        .route("/audit/export", get(export_log))
        .route("/audit/history", get(history))
}

/// Records on a page of the search.
const PAGE_SIZE: u32 = 50;

async fn search(
    State(state): State<AppState>,
    chrome: Chrome,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter();
    let cursor = query.cursor();
    let rows = store::search(&state.pool, &filter, cursor, PAGE_SIZE).await?;
    let (rows, keyset) = Keyset::page(cursor, rows, PAGE_SIZE, |r| r.id, &filter.to_query_string());
    // Searching the audit log is itself audited (turning its pages is not a new search).
    if !filter.is_empty() && cursor == Cursor::Newest {
        let event = Event::new(Action::AuditSearch).detail(filter.to_query_string());
        record_alone(&state.pool, &audit, event).await?;
    }
    render(AuditPage {
        layout: chrome.layout("审计日志", vec![Crumb::here("审计日志")]),
        rows: rows.into_iter().map(AuditLine::from).collect(),
        keyset,
        export_query: filter.to_query_string(),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        roles: choices::<Role>(),
        actions: choices::<Action>(),
        filter,
    })
}

const COLUMNS: &[Column] = &[
    Column::new("编号", Kind::Integer, 10.0),
    Column::new("时间", Kind::DateTime, 20.0),
    Column::new("用户", Kind::Text, 16.0),
    Column::new("角色", Kind::Text, 16.0),
    Column::new("操作", Kind::Text, 16.0),
    Column::new("对象类型", Kind::Text, 12.0),
    Column::new("对象编号", Kind::Text, 12.0),
    Column::new("结果", Kind::Text, 6.0),
    Column::new("说明", Kind::Text, 30.0),
    Column::new("修改前", Kind::Text, 40.0),
    Column::new("修改后", Kind::Text, 40.0),
    Column::new("来源地址", Kind::Text, 16.0),
    Column::new("请求编号", Kind::Text, 38.0),
];

async fn export_log(
    State(state): State<AppState>,
    audit: AuditContext,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter();
    let job = ExportJob {
        title: "审计日志",
        filters: filter.describe(),
        columns: COLUMNS,
        action: Action::ExportAuditLog,
        described: filter.to_query_string(),
        unmasked: false,
    };
    let pool = state.pool.clone();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |below| {
            let (pool, filter) = (pool.clone(), filter.clone());
            async move { store::batch(&pool, &filter, below, export::BATCH).await }
        },
        |r: &AuditRow| r.id,
        |r| {
            vec![
                Cell::Integer(r.id),
                Cell::DateTime(r.occurred_at),
                r.username.into(),
                r.role.map(Role::label).into(),
                super::action_label(&r.action).into(),
                r.object_type.into(),
                r.object_id.into(),
                if r.success { "成功" } else { "失败" }.into(),
                r.detail.into(),
                r.before.map(|v| v.to_string()).into(),
                r.after.map(|v| v.to_string()).into(),
                r.client_addr.into(),
                r.request_id.into(),
            ]
        },
    )
    .await
}

#[derive(Deserialize)]
struct HistoryQuery {
    #[serde(default)]
    object_type: String,
    #[serde(default)]
    object_id: String,
}

async fn history(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let (object_type, object_id) = (q.object_type.trim(), q.object_id.trim());
    if object_type.is_empty() || object_id.is_empty() || object_type.len() > 64 || object_id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let rows = store::object_history(&state.pool, object_type, object_id).await?;
    let title = format!("{object_type} {object_id} 的变更历史");
    render(HistoryPage {
        layout: chrome.layout(title.clone(), vec![Crumb::link("审计日志", "/audit"), Crumb::here(title.clone())]),
        title,
        entries: rows.into_iter().map(HistoryEntry::from).collect(),
    })
}
