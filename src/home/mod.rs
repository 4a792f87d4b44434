//! The home page: the province, its regions and its plan cycles.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::cycles::{self, CycleSummary};
use crate::db::{self, DbActor};
use crate::error::AppError;
use crate::regions::{self, Region};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    province_name: String,
    regions: Vec<Region>,
    cycles: Vec<CycleSummary>,
    current_cycle: Option<CycleSummary>,
}

pub async fn index(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    // Reference data only: no region rows are read, so the transaction needs no scope.
    let mut tx = db::begin(&state.pool, DbActor::SYSTEM).await?;
    let regions = regions::store::list(&mut *tx).await?;
    let cycles = cycles::store::list(&mut *tx).await?;
    tx.commit().await?;
    let current_cycle = cycles::model::current(&cycles, crate::web::time::today()).cloned();
    let page = HomePage {
        province_name: state.province.name.clone(),
        regions,
        cycles,
        current_cycle,
    };
    Ok(Html(page.render()?))
}
