//! The database: connection pools, migrations, the scoped transaction every store uses, the
//! start-up catalog check, and the private local PostgreSQL cluster.

pub mod catalog;
pub mod local;

use std::str::FromStr;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::config::Settings;
use crate::org::{AccountId, RegionId};

/// The migrations under `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// The runtime role. It logs in itself, owns nothing, and is bound by every policy.
pub const APP_ROLE: &str = "prevention_app";
/// The owner role: owns the schema, runs migrations and the province-file seeding.
pub const OWNER_ROLE: &str = "prevention_owner";

/// Which region rows a transaction may see and change (row-level security).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Rows of one region: city, partner and agency officers.
    Region(RegionId),
    /// Every region's rows: province officers and the province-file seeder.
    Province,
    /// The rows of the projects whose expert panel the account sits on: experts.
    Assigned,
    /// No region rows at all: administrators, and any work not done for a region.
    Nothing,
}

impl Scope {
    /// The scope as a filter for a store's WHERE clause, beside row-level security: `Some(None)`
    /// for every region, `Some(Some(id))` for one, and `None` when no region row may be seen at
    /// all (the store answers "nothing" without asking the database).
    pub fn region_filter(self) -> Option<Option<i64>> {
        match self {
            Scope::Region(id) => Some(Some(id.0)),
            // Row-level security narrows an expert's rows to their assignments.
            Scope::Province | Scope::Assigned => Some(None),
            Scope::Nothing => None,
        }
    }

    fn setting(self) -> (&'static str, String) {
        match self {
            Scope::Region(id) => ("region", id.0.to_string()),
            Scope::Province => ("province", String::new()),
            Scope::Assigned => ("assigned", String::new()),
            Scope::Nothing => ("", String::new()),
        }
    }
}

/// Who a transaction works for: the scope and, when a person acts, their account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbActor {
    pub scope: Scope,
    pub account_id: Option<AccountId>,
}

impl DbActor {
    pub const SYSTEM: DbActor = DbActor { scope: Scope::Nothing, account_id: None };

    pub fn new(scope: Scope, account_id: Option<AccountId>) -> DbActor {
        DbActor { scope, account_id }
    }
}

/// What the `assigned` scope sets after the scope itself, in the same SELECT: its target list
/// is evaluated left to right, so the expert's projects are read once the scope and account are
/// set, and their rounds and applicants once the projects are (they are read through the
/// projects' policy).
const ASSIGNED_SETTINGS: &str = ", set_config('app.expert_region', coalesce(app_expert_region()::text, ''), true), \
     set_config('app.expert_projects', app_expert_projects()::text, true), \
     set_config('app.expert_rounds', app_expert_rounds()::text, true), \
     set_config('app.expert_applicants', app_expert_applicants()::text, true)";

/// Opens a transaction for `actor` with the row-level-security settings made first, local to
/// the transaction, so they can never leak to the next user of the pooled connection. Every
/// store function that touches region data runs inside one of these.
pub async fn begin(pool: &PgPool, actor: DbActor) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let (scope, region_id) = actor.scope.setting();
    let account_id = actor.account_id.map(|a| a.0.to_string()).unwrap_or_default();
    // BEGIN and the settings travel as one message (one round trip on every page). The values
    // are ours, never a user's text: a fixed word and two integers, so they are written in.
    let mut statement = format!(
        "BEGIN; SELECT set_config('app.scope', '{scope}', true), set_config('app.region_id', '{region_id}', true), \
         set_config('app.account_id', '{account_id}', true)"
    );
    if actor.scope == Scope::Assigned {
        // The expert's projects (then their rounds and applicants, read through the projects'
        // policy) once per transaction, for the policies to read (migration 0042).
        statement.push_str(ASSIGNED_SETTINGS);
    }
    pool.begin_with(sqlx::AssertSqlSafe(statement)).await
}

/// Widens an open transaction to the rows of `region`, for the one step of a region's books
/// that a person of a narrower scope completes: the last expert's sheet completes a panel, and
/// the application then moves on in its region (its status, its history, the lists' counts).
/// Call it only after the rules decided the step under the person's own scope, with a region
/// read under that scope, never one a request named.
pub async fn widen_to_region(tx: &mut PgConnection, region: RegionId) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('app.scope', 'region', true), set_config('app.region_id', $1, true)")
        .bind(region.0.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// Lets one named report's transaction run longer than the statement timeout.
pub async fn allow_longer(tx: &mut PgConnection, seconds: u32) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('statement_timeout', $1, true)").bind(format!("{seconds}s")).execute(tx).await?;
    Ok(())
}

/// Where the two roles connect.
#[derive(Clone, Debug)]
pub struct Targets {
    pub app: PgConnectOptions,
    pub owner: Option<PgConnectOptions>,
}

impl Targets {
    /// The targets named by the settings (an external database).
    pub fn from_settings(settings: &Settings) -> Result<Targets, sqlx::Error> {
        let app = PgConnectOptions::from_str(settings.database_url.trim())?;
        let owner = match settings.owner_database_url.trim() {
            "" => None,
            url => Some(PgConnectOptions::from_str(url)?),
        };
        Ok(Targets { app, owner })
    }
}

/// The runtime pool: connects as the runtime role, fails fast when the database is away.
pub async fn connect_app(options: PgConnectOptions, settings: &Settings) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(settings.pool_size)
        .acquire_timeout(settings.acquire_timeout())
        .connect_with(options.application_name("prevention").options([
            ("statement_timeout", format!("{}s", settings.statement_timeout_secs)),
            // The working set lives in memory (and on SSD): a random page costs about
            // what a sequential one does. With the default 4 the planner walks the time
            // index of the audit log past thousands of rows instead of the region's
            // index past a few hundred.
            ("random_page_cost", "1.1".to_string()),
        ]))
        .await
}

/// A small pool for the owner's one-off work (migrations, seeding, operator commands).
pub async fn connect_owner(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new().max_connections(2).connect_with(options.application_name("prevention-owner")).await
}

/// Applies the pending migrations (as the owner).
pub async fn migrate(owner: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(owner).await
}
