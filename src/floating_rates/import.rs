//! Importing evaluation inputs from a spreadsheet through the shared import, as a background
//! job: each row an employer's period, checked by the same form checks as the page (the employer
//! found in the region, an employer and period once in the file, a decided evaluation left as it
//! is); then every row written in one transaction, or none. A row for an evaluation still open
//! replaces its inputs (its proposal is dropped until evaluated again).

use std::collections::HashMap;

use axum::Router;
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};

use super::model::{EvaluationStatus, HazardLevel, InputsForm, InputsInput, Standardisation, may_evaluate};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::db::{self, DbActor, Scope};
use crate::import::pages::Importer;
use crate::import::{self, Column, Outcome, RowError, Spec};
use crate::jobs::{self, Job, JobError};
use crate::org::{Region, RegionId};
use crate::state::AppState;
use crate::values::time;
use crate::web::form::FormParser;

/// The job kind.
pub const KIND: &str = "import.rate_inputs";

pub const SPEC: Spec = Spec {
    title: "浮动费率评估数据",
    unit: "家",
    key: "employer",
    updates: "评估期内已录入、尚未确定费率的单位按文件更新；已确定费率的单位不能再导入。",
    columns: &[
        Column {
            header: "统一社会信用代码",
            field: "employer",
            required: true,
            help: "本地区已登记的用人单位",
            example: "91210100MA0XXXXX1X",
        },
        Column {
            header: "评估期起始年度",
            field: "period_start",
            required: true,
            help: "评估期为该年度起的三年，最后一年不能晚于今年",
            example: "2024",
        },
        Column {
            header: "第一年缴费（元）",
            field: "premium_1",
            required: true,
            help: "工伤保险费实缴额",
            example: "120000",
        },
        Column { header: "第二年缴费（元）", field: "premium_2", required: true, help: "", example: "126000" },
        Column { header: "第三年缴费（元）", field: "premium_3", required: true, help: "", example: "131000" },
        Column {
            header: "第一年待遇支出（元）",
            field: "benefit_1",
            required: true,
            help: "工伤保险基金为本单位支付的待遇",
            example: "30000",
        },
        Column { header: "第二年待遇支出（元）", field: "benefit_2", required: true, help: "", example: "0" },
        Column {
            header: "第三年待遇支出（元）", field: "benefit_3", required: true, help: "", example: "56000"
        },
        Column {
            header: "工资总额（元）",
            field: "wage_bill",
            required: true,
            help: "评估期末年",
            example: "15800000",
        },
        Column {
            header: "认定工伤人数", field: "injuries", required: true, help: "评估期内合计", example: "2"
        },
        Column {
            header: "职业病危害程度",
            field: "hazard",
            required: true,
            help: "无或轻微、一般、严重",
            example: "一般",
        },
        Column {
            header: "安全生产标准化等级",
            field: "standardisation",
            required: true,
            help: "一级、二级、三级、未达标",
            example: "三级",
        },
    ],
};

fn importing_region(actor: &Actor) -> Option<Region> {
    actor.region.clone().filter(|r| may_evaluate(actor, r))
}

/// The import's pages, under the evaluations.
pub static IMPORTER: Importer = Importer {
    spec: &SPEC,
    job: KIND,
    base: "/rates/import",
    back: super::views::crumb,
    region: importing_region,
    template: "浮动费率评估数据导入模板",
};

pub fn routes() -> Router<AppState> {
    import::pages::routes(&IMPORTER)
}

/// A labelled value as people write it: the Chinese label or the stored name.
fn named<T: crate::macros::Labelled>(raw: &str) -> String {
    let raw = raw.trim();
    T::all().iter().find(|v| v.text() == raw).map_or(raw.to_lowercase(), |v| v.name().to_string())
}

fn form_of(row: &import::Row) -> InputsForm {
    InputsForm {
        employer: row.get("employer").into(),
        period_start: row.get("period_start").into(),
        premium_1: row.get("premium_1").into(),
        premium_2: row.get("premium_2").into(),
        premium_3: row.get("premium_3").into(),
        benefit_1: row.get("benefit_1").into(),
        benefit_2: row.get("benefit_2").into(),
        benefit_3: row.get("benefit_3").into(),
        wage_bill: row.get("wage_bill").into(),
        injuries: row.get("injuries").into(),
        hazard: named::<HazardLevel>(row.get("hazard")),
        standardisation: named::<Standardisation>(row.get("standardisation")),
        version: String::new(),
        form_token: String::new(),
    }
}

/// One row checked on its own: its inputs, or its problems.
pub fn check_row(row: &import::Row, this_year: i32) -> Result<InputsInput, Vec<RowError>> {
    let mut p = FormParser::default();
    let parsed = form_of(row).parse_fields(&mut p, true, this_year);
    p.finish(|| parsed).map_err(|fields| import::row_errors(&SPEC, row, &fields))
}

/// The runner of `import.rate_inputs` jobs.
pub fn run(
    pool: PgPool,
    job: Job,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send>> {
    Box::pin(async move { import_inputs(&pool, &job).await })
}

const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The region's employers by credit code: (id, name).
async fn employers(tx: &mut PgConnection, region: RegionId) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows =
        sqlx::query!("SELECT credit_code, id FROM employers WHERE region_id = $1", region.0).fetch_all(tx).await?;
    Ok(rows.into_iter().map(|r| (r.credit_code, r.id)).collect())
}

/// The region's evaluations by (employer, period): their status.
async fn existing(
    tx: &mut PgConnection,
    region: RegionId,
) -> Result<HashMap<(i64, i32), EvaluationStatus>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT employer_id, period_start, status AS "status: EvaluationStatus" FROM rate_evaluations
           WHERE region_id = $1"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| ((r.employer_id, i32::from(r.period_start)), r.status)).collect())
}

fn problem(row: &import::Row, field: &str, message: &str) -> RowError {
    RowError {
        row: row.number,
        column: SPEC.column(field).map_or("", |c| c.header).to_string(),
        value: row.get(field).to_string(),
        message: message.to_string(),
    }
}

async fn import_inputs(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    let mut tx = db::begin(pool, WORKER).await?;
    let (_, content) = jobs::file(&mut tx, job).await?.ok_or_else(|| JobError::Other("导入文件缺失".into()))?;
    let employers = employers(&mut tx, job.region_id).await?;
    let existing = existing(&mut tx, job.region_id).await?;
    tx.commit().await?;
    let rows = match import::job::rows_of(content, &SPEC).await? {
        Ok(rows) => rows,
        Err(outcome) => return import::job::finish_unwritten(pool, job, &outcome).await,
    };
    let total = rows.len() as i64;
    let this_year = chrono::Datelike::year(&time::today());
    let mut errors = Vec::new();
    let mut keys = import::Keys::new(&SPEC, |k: &str| k.trim().to_uppercase());
    let mut ready: Vec<(i64, InputsInput)> = Vec::with_capacity(rows.len());
    for row in &rows {
        let input = match check_row(row, this_year) {
            Ok(input) => input,
            Err(found) => {
                errors.extend(found);
                continue;
            }
        };
        let code = input.employer.clone().unwrap_or_default();
        errors.extend(keys.see_key(row, format!("{code}|{}", input.period_start)));
        let Some(employer) = employers.get(&code).copied() else {
            errors.push(problem(row, "employer", "本地区未登记此统一社会信用代码的用人单位"));
            continue;
        };
        match existing.get(&(employer, input.period_start)) {
            Some(EvaluationStatus::Confirmed | EvaluationStatus::Overridden) => {
                errors.push(problem(row, "employer", "该单位本评估期的费率已经确定，不能再导入"));
            }
            _ => ready.push((employer, input)),
        }
    }
    if !jobs::progress(pool, job, total, total).await? {
        return Err(JobError::LeaseLost);
    }
    let rows = total as usize;
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return import::job::finish_unwritten(pool, job, &Outcome::Rejected { rows, errors }).await;
    }
    let added = ready.iter().filter(|(e, i)| !existing.contains_key(&(*e, i.period_start))).count() as u64;
    let mut tx = db::begin(pool, WORKER).await?;
    for batch in ready.chunks(WRITE_BATCH) {
        upsert(&mut tx, job, batch).await?;
    }
    let updated = ready.len() as u64 - added;
    let ctx = AuditContext::for_job(job.account_id, &job.account_name, job.region_id);
    let detail = format!("导入浮动费率评估数据：共 {rows} 行，新增 {added}，更新 {updated}");
    audit::record(&mut tx, &ctx, Event::new(Action::ImportRateInputs).object("job", job.id).detail(detail)).await?;
    let outcome = Outcome::Imported { rows, added, updated, unchanged: 0 };
    let value = serde_json::to_value(&outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}

/// Rows written per statement.
const WRITE_BATCH: usize = 5_000;

/// Writes a batch: new evaluations entered, open ones' inputs replaced and their proposals
/// dropped; decided ones are never touched (checked above, and by the WHERE).
async fn upsert(tx: &mut PgConnection, job: &Job, batch: &[(i64, InputsInput)]) -> Result<(), sqlx::Error> {
    let col = |f: fn(&InputsInput) -> Decimal| batch.iter().map(|(_, i)| f(i)).collect::<Vec<_>>();
    let employers: Vec<i64> = batch.iter().map(|(e, _)| *e).collect();
    let periods: Vec<i16> = batch.iter().map(|(_, i)| i16::try_from(i.period_start).unwrap_or_default()).collect();
    let injuries: Vec<i32> = batch.iter().map(|(_, i)| i.inputs.injuries).collect();
    let hazards: Vec<&str> = batch.iter().map(|(_, i)| i.inputs.hazard.as_str()).collect();
    let grades: Vec<&str> = batch.iter().map(|(_, i)| i.inputs.standardisation.as_str()).collect();
    sqlx::query!(
        "INSERT INTO rate_evaluations AS v (region_id, employer_id, period_start, premiums, benefits, wage_bill,
                                            injuries, hazard_level, standardisation, entered_by, entered_by_name)
         SELECT $1, e, p, ARRAY[p1, p2, p3], ARRAY[b1, b2, b3], w, n, h, s, $14, $15
         FROM unnest($2::bigint[], $3::smallint[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[],
                     $8::numeric[], $9::numeric[], $10::numeric[], $11::int[], $12::text[], $13::text[])
              AS u(e, p, p1, p2, p3, b1, b2, b3, w, n, h, s)
         ON CONFLICT (region_id, employer_id, period_start) DO UPDATE
            SET premiums = EXCLUDED.premiums, benefits = EXCLUDED.benefits, wage_bill = EXCLUDED.wage_bill,
                injuries = EXCLUDED.injuries, hazard_level = EXCLUDED.hazard_level,
                standardisation = EXCLUDED.standardisation, status = 'entered', risk_class = NULL,
                base_rate_percent = NULL, current_grade = NULL, proposed_grade = NULL, proposed_rate_percent = NULL,
                explanation = NULL, evaluated_at = NULL, version = v.version + 1, updated_at = now()
            WHERE v.status IN ('entered', 'proposed')",
        job.region_id.0,
        &employers,
        &periods,
        &col(|i| i.inputs.premiums[0]),
        &col(|i| i.inputs.premiums[1]),
        &col(|i| i.inputs.premiums[2]),
        &col(|i| i.inputs.benefits[0]),
        &col(|i| i.inputs.benefits[1]),
        &col(|i| i.inputs.benefits[2]),
        &col(|i| i.inputs.wage_bill),
        &injuries,
        &hazards as &[&str],
        &grades as &[&str],
        job.account_id.0,
        job.account_name
    )
    .execute(tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[[&str; 12]]) -> Vec<import::Row> {
        let header = SPEC.columns.iter().map(|c| c.header.to_string()).collect();
        let mut table = vec![header];
        table.extend(lines.iter().map(|l| l.iter().map(|c| c.to_string()).collect()));
        import::rows(&SPEC, table).unwrap().1
    }

    #[test]
    fn rows_are_checked_by_the_form_s_rules_with_labels_or_names() {
        let code = "9144030071526726XG";
        let rows = rows(&[
            [code, "2024", "120000", "126,000", "131000", "30000", "0", "56000", "15800000", "2", "一般", "三级"],
            [code, "2025", "-1", "", "1", "1", "1", "1", "1", "x", "剧烈", "level1"],
        ]);
        let good = check_row(&rows[0], 2026).unwrap();
        assert_eq!(good.period_start, 2024);
        assert_eq!(good.inputs.premiums[1], Decimal::from(126_000));
        assert_eq!((good.inputs.hazard, good.inputs.standardisation), (HazardLevel::General, Standardisation::Level3));
        let bad = check_row(&rows[1], 2026).unwrap_err();
        let columns: Vec<&str> = bad.iter().map(|e| e.column.as_str()).collect();
        for c in ["评估期起始年度", "第一年缴费（元）", "第二年缴费（元）", "认定工伤人数", "职业病危害程度"]
        {
            assert!(columns.contains(&c), "{c} in {columns:?}");
        }
        assert!(!columns.contains(&"安全生产标准化等级"), "the stored name is taken too");
        assert_eq!(bad[0].row, 3, "the header is row 1");
    }
}
