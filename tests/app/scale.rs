//! `prevention seed --scale`: every region's data for every landed feature, the same for the
//! same seed, generated once, and never into a configured database by accident.

use std::process::Command;

use prevention::db::{APP_ROLE, OWNER_ROLE};
use prevention::scale::Options;
use sqlx::PgPool;

use crate::support::{TestDb, manifest_dir};

/// A small run: N = 1 with 3,000 audit records instead of a year's 300,000.
fn small(seed: u64) -> Options {
    Options { audit_per_n: 3_000, trainees_per_n: 5_000, ..Options::new(1, seed) }
}

/// What a run wrote, in a form two runs can be compared by.
async fn summary(owner: &PgPool) -> (Vec<String>, Vec<(String, String, String)>, Vec<(String, i64)>) {
    let usernames: Vec<String> =
        sqlx::query_scalar("SELECT username FROM accounts ORDER BY id").fetch_all(owner).await.unwrap();
    let mut tx = prevention::db::begin(owner, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
        .await
        .unwrap();
    let plans: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT r.code, c.first_year::text, p.status FROM plans p JOIN regions r ON r.id = p.region_id
         JOIN cycles c ON c.id = p.cycle_id ORDER BY r.code, c.first_year",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let actions: Vec<(String, i64)> =
        sqlx::query_as("SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY action")
            .fetch_all(owner)
            .await
            .unwrap();
    (usernames, plans, actions)
}

#[tokio::test]
async fn a_province_of_data_the_same_for_the_same_seed_and_written_once() {
    let (a, b) = (TestDb::create().await, TestDb::create().await);
    let (owner_a, owner_b) = (a.owner_pool().await, b.owner_pool().await);
    prevention::scale::run(&owner_a, small(7), &|_| {}).await.unwrap();
    prevention::scale::run(&owner_b, small(7), &|_| {}).await.unwrap();
    let (usernames, plans, actions) = summary(&owner_a).await;
    assert_eq!(
        (usernames.clone(), plans.clone(), actions.clone()),
        summary(&owner_b).await,
        "the same seed, the same data"
    );

    // Every role in every region, at a province's size.
    assert!(usernames.len() > 300, "{} accounts", usernames.len());
    for name in ["sy_city_001", "dl_emergency_001", "ln_prov_008", "hld_expert_006", "auditor_1"] {
        assert!(usernames.iter().any(|u| u == name), "{name}");
    }
    // The ended cycle filed everywhere, the current one in many states.
    let ended: Vec<_> = plans.iter().filter(|(_, year, _)| year == "2021").collect();
    assert_eq!(ended.len(), 15, "every region's 2021–2025 plan");
    assert!(ended.iter().all(|(_, _, s)| s == "filed" || s == "issued"), "{ended:?}");
    let current: std::collections::HashSet<_> =
        plans.iter().filter(|(_, year, _)| year == "2026").map(|(_, _, s)| s.as_str()).collect();
    assert!(current.len() >= 3, "the current cycle in several states: {current:?}");
    let logged: i64 = actions.iter().map(|(_, n)| n).sum();
    assert!(logged >= 3_000, "{logged} audit records");
    assert!(actions.iter().any(|(a, _)| a == "login.success") && actions.iter().any(|(a, _)| a == "plan.update"));
    let files: i64 = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let n = sqlx::query_scalar("SELECT count(*) FROM attachments WHERE kind = 'signed_document'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        n
    };
    assert!(files >= 15, "submitted plans carry their signed document: {files}");
    let rosters: Vec<(String, bool, bool)> = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let rows = sqlx::query_as(
            "SELECT s.status, s.complete, s.changed_since_filing FROM rosters s JOIN cycles c ON c.id = s.cycle_id
             WHERE c.first_year = 2021",
        )
        .fetch_all(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        rows
    };
    assert_eq!(rosters.len(), 15, "every region's 2021–2025 roster");
    assert!(rosters.iter().all(|(status, complete, _)| status == "filed" && *complete), "{rosters:?}");
    assert!(rosters.iter().any(|(_, _, changed)| *changed), "some changed since filing: {rosters:?}");
    let (meetings, items, done): (i64, i64, i64) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let row = sqlx::query_as(
            "SELECT (SELECT count(*) FROM meetings), count(*), count(*) FILTER (WHERE closed_on IS NOT NULL)
             FROM meeting_action_items",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        row
    };
    assert!(meetings >= 15 * 4 * 5, "four or more meetings a region a year: {meetings}");
    assert!(items >= meetings * 2 && done > items / 2 && done < items, "{items} items, {done} done");

    // Applications: a round a year per region, every state, exact amounts, a version per submission.
    let (rounds, statuses, drifted, unversioned): (i64, Vec<String>, i64, i64) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let rounds = sqlx::query_scalar("SELECT count(*) FROM project_rounds").fetch_one(&mut *tx).await.unwrap();
        let statuses = sqlx::query_scalar("SELECT DISTINCT status FROM projects ORDER BY status")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        let drifted = sqlx::query_scalar(
            "SELECT count(*) FROM projects p WHERE requested_amount <>
               (SELECT coalesce(sum(amount), 0) FROM project_budget_lines l WHERE l.region_id = p.region_id AND l.project_id = p.id)",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let unversioned = sqlx::query_scalar(
            "SELECT count(*) FROM projects p WHERE status <> 'draft' AND NOT EXISTS (SELECT FROM record_versions v
               WHERE v.region_id = p.region_id AND v.record_kind = 'project' AND v.record_id = p.id)",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (rounds, statuses, drifted, unversioned)
    };
    assert!(rounds >= 15 * 6, "a round a year per region: {rounds}");
    let experts: i64 = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let n = sqlx::query_scalar("SELECT count(*) FROM experts").fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        n
    };
    assert_eq!(experts, 15 * 10, "ten experts a region at N = 1");
    let (panels, reproduced): (i64, bool) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let rows: Vec<(
            Vec<u8>,
            sqlx::types::Json<Vec<prevention::experts::draw::Candidate>>,
            sqlx::types::Json<Vec<prevention::experts::draw::Need>>,
            Vec<i64>,
        )> = sqlx::query_as("SELECT seed, candidates, mix, picks FROM expert_draws").fetch_all(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let reproduced = rows.iter().all(|(seed, candidates, mix, picks)| {
            let seed: [u8; 32] = seed.as_slice().try_into().unwrap();
            prevention::experts::draw::draw(seed, &candidates.0, &mix.0).ok().as_ref() == Some(picks)
        });
        (rows.len() as i64, reproduced)
    };
    assert!(panels > 0 && reproduced, "{panels} panels drawn, each reproducible from its record");
    assert_eq!(
        statuses,
        [
            "draft",
            "expert_review",
            "filed",
            "in_progress",
            "in_publicity",
            "rectifying",
            "rejected",
            "returned",
            "reviewed",
            "settled",
            "submitted"
        ]
    );
    // Sheets: totals add up within the weights; an application moved on only with every sheet in.
    let (sheets, wrong_totals, moved_early): (i64, i64, i64) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let row = sqlx::query_as(
            "SELECT (SELECT count(*) FROM review_sheets),
                    (SELECT count(*) FROM review_sheets s
                     WHERE s.total <> (SELECT coalesce(sum((x ->> 'score')::numeric), 0) FROM jsonb_array_elements(s.scores) x)
                        OR s.total > 100),
                    (SELECT count(*) FROM projects p WHERE p.status IN ('reviewed', 'in_publicity', 'filed', 'in_progress') AND EXISTS (
                        SELECT 1 FROM panel_members m LEFT JOIN review_sheets s
                          ON s.region_id = m.region_id AND s.project_id = m.project_id AND s.expert_id = m.expert_id
                        WHERE m.project_id = p.id AND s.submitted_at IS NULL))",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        row
    };
    assert!(
        sheets > 0 && wrong_totals == 0 && moved_early == 0,
        "{sheets} sheets, {wrong_totals} wrong, {moved_early} early"
    );
    assert_eq!((drifted, unversioned), (0, 0), "amounts add up; every submission frozen");
    // Every project under way has its agreement within the approved amount, and its reports
    // spend within the agreement.
    let unsound: i64 = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let n = sqlx::query_scalar(
            "SELECT count(*) FROM projects p LEFT JOIN project_agreements g ON g.region_id = p.region_id AND g.project_id = p.id
             WHERE p.status = 'in_progress'
               AND (g.id IS NULL OR g.amount > p.approved_amount
                    OR EXISTS (SELECT 1 FROM project_progress r WHERE r.project_id = p.id AND r.spent > g.amount))",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        n
    };
    assert_eq!(unsound, 0);

    // Training: the records asked for, the rollups equal to the tallies' capped sums, and the
    // regions' coverage from low to complete.
    let (trainees, rollup_capped, tally_capped, rates): (i64, i64, i64, Vec<f64>) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let row: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM trainees), (SELECT sum(capped)::bigint FROM training_rollups),
                    (SELECT sum(least(trained, required))::bigint FROM training_tallies)",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        // A display figure only (the pages compute with decimals).
        let rates = sqlx::query_scalar(
            "SELECT (sum(capped)::float8 / nullif(sum(required), 0)::float8) FROM training_rollups
             GROUP BY region_id HAVING sum(required) > 0 ORDER BY 1",
        )
        .fetch_all(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (row.0, row.1, row.2, rates)
    };
    assert_eq!(trainees, 5_000);
    assert_eq!(rollup_capped, tally_capped);
    // 5,000 records train the same share of every region's people: the regions still differ.
    assert!(rates.len() >= 14 && rates[0] > 0.0 && rates[rates.len() - 1] > rates[0] * 1.5, "{rates:?}");

    // Organisations on the list in every status, a third of the sessions delivered by one serving
    // their region; schools and events in every city, the week and the month among the events.
    let (statuses, foreign, delivered, school_regions, kinds): (Vec<String>, i64, i64, i64, Vec<String>) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let statuses = sqlx::query_scalar("SELECT DISTINCT listing_status FROM service_organisations ORDER BY 1")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        let row: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM training_sessions s WHERE s.provider_id IS NOT NULL AND NOT EXISTS
                        (SELECT FROM organisation_regions r WHERE r.organisation_id = s.provider_id
                                                              AND r.region_id = s.region_id)),
                    (SELECT count(*) FROM training_sessions WHERE provider_id IS NOT NULL),
                    (SELECT count(DISTINCT region_id) FROM technical_schools)",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let kinds = sqlx::query_scalar("SELECT DISTINCT kind FROM publicity_events ORDER BY 1")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (statuses, row.0, row.1, row.2, kinds)
    };
    assert_eq!(statuses, ["listed", "removed", "suspended", "unlisted"]);
    assert_eq!(foreign, 0, "a session's provider serves its region");
    assert!(delivered > 0);
    assert_eq!(school_regions, 14, "every city");
    assert!(
        kinds.contains(&"disease_law_week".to_string()) && kinds.contains(&"safety_month".to_string()),
        "{kinds:?}"
    );

    // Inspections in every city with findings in every state.
    let (inspected_cities, states): (i64, (i64, i64, i64, i64, i64, i64)) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let cities = sqlx::query_scalar("SELECT count(DISTINCT region_id) FROM joint_inspections")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let states = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE rectified_on IS NULL AND verified_on IS NULL AND referred_on IS NULL
                                       AND deadline < current_date),
                    count(*) FILTER (WHERE extensions = 2),
                    count(*) FILTER (WHERE rectified_on IS NOT NULL AND verified_on IS NULL),
                    count(*) FILTER (WHERE verified_on IS NOT NULL),
                    count(*) FILTER (WHERE referred_on IS NOT NULL),
                    count(*) FILTER (WHERE hazard_level = 'major')
             FROM findings",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (cities, states)
    };
    assert_eq!(inspected_cities, 14);
    let (overdue, extended, rectified, verified, referred, major) = states;
    assert!(overdue > 0 && extended > 0 && rectified > 0 && verified > 0 && referred > 0 && major > 0, "{states:?}");

    // Notices of the province and of every city, some read and some not.
    let (issuers, accidents, read, unread): (i64, i64, i64, i64) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let counts = sqlx::query_as(
            "SELECT (SELECT count(DISTINCT region_id) FROM notices),
                    (SELECT count(*) FROM notices WHERE kind = 'accident'),
                    (SELECT count(*) FROM notice_reads),
                    (SELECT count(*) FROM notices n JOIN accounts a ON a.region_id = ANY (n.recipients)
                     WHERE a.role = 'city_officer' AND NOT EXISTS (SELECT FROM notice_reads r
                        WHERE r.notice_id = n.id AND r.notice_region_id = n.region_id AND r.account_id = a.id))",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        counts
    };
    assert_eq!(issuers, 15, "the province and every city");
    assert!(accidents > 0 && read > 0 && unread > 0, "{accidents} accident notices, {read} read, {unread} unread");

    // Every employer's inputs of 2023–2025 waiting for the run; a third decided the period before.
    let (employers, entered, decided, overridden): (i64, i64, i64, i64) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let counts = sqlx::query_as(
            "SELECT (SELECT count(*) FROM employers),
                    count(*) FILTER (WHERE period_start = 2023 AND status = 'entered'),
                    count(*) FILTER (WHERE period_start = 2020 AND final_grade IS NOT NULL),
                    count(*) FILTER (WHERE status = 'overridden' AND override_reason <> '')
             FROM rate_evaluations",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        counts
    };
    assert_eq!(entered, employers);
    assert!(decided * 3 >= employers - 3 && decided * 3 <= employers + 3 && overridden > 0, "{decided} {overridden}");

    // Every region's reports of the past years accepted with their figures frozen (some late);
    // this year's in several states.
    let (past, frozen_meetings, late, this_year): (i64, i64, i64, i64) = {
        let mut tx =
            prevention::db::begin(&owner_a, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
                .await
                .unwrap();
        let counts = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE year < 2026 AND status = 'accepted'),
                    count(*) FILTER (WHERE figures @> '[{\"key\": \"meetings\"}]'),
                    count(*) FILTER (WHERE late),
                    count(DISTINCT status) FILTER (WHERE year = 2026)
             FROM annual_reports",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        counts
    };
    assert_eq!(past, 15 * 5, "15 regions × 2021–2025");
    assert!(frozen_meetings >= past && late > 0 && this_year == 2, "{frozen_meetings} {late} {this_year}");

    // Once only.
    let again = prevention::scale::run(&owner_a, small(7), &|_| {}).await.unwrap_err();
    assert!(format!("{again:#}").contains("已生成过规模数据（n=1,seed=7）"), "{again:#}");
    // Another seed, other data.
    let c = TestDb::create().await;
    let owner_c = c.owner_pool().await;
    prevention::scale::run(&owner_c, small(8), &|_| {}).await.unwrap();
    assert_ne!(summary(&owner_c).await.2, actions, "another seed draws other records");
}

#[tokio::test]
async fn a_configured_database_is_refused_without_the_explicit_flag() {
    let db = TestDb::create().await;
    let out = Command::new(env!("CARGO_BIN_EXE_prevention"))
        .args(["seed", "--scale", "1"])
        .current_dir(manifest_dir())
        .env("PREVENTION_DATABASE_URL", db.url(APP_ROLE))
        .env("PREVENTION_OWNER_DATABASE_URL", db.url(OWNER_ROLE))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--allow-external-database"), "{stderr}");
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&db.owner_pool().await).await.unwrap();
    assert_eq!(accounts, 0, "nothing written");
}
