//! Importing a region's injury statistics from a spreadsheet, as a background job through the
//! shared import: every row checked first (the year up to this one, a province key industry by
//! its name or key, the four figures as the entry form checks them, a year and industry once in
//! the file); then every row is written in one transaction, or none. A re-import updates the
//! rows it names (by year and industry) and reports rows added, updated and unchanged.

use sqlx::PgPool;

use super::model::{Industry, parse_figures, year_allowed};
use super::store::{self, ImportRow};
use crate::audit::{self, Action, AuditContext, Event};
use crate::db::{self, DbActor, Scope};
use crate::import::{self, Column, Outcome, RowError, Spec};
use crate::jobs::{self, Job, JobError};
use crate::values::time;
use crate::web::form::FormParser;

/// The job kind.
pub const KIND: &str = "import.injury_statistics";

pub const SPEC: Spec = Spec {
    title: "工伤统计数据",
    unit: "行",
    key: "industry",
    updates: "同一年度、同一重点行业已有的数据按文件更新。",
    columns: &[
        Column {
            header: "年度",
            field: "year",
            required: true,
            help: "2000 年至今年，如 2025；同一年度、同一重点行业只填一行，已有的按此更新",
            example: "2025",
        },
        Column {
            header: "重点行业",
            field: "industry",
            required: true,
            help: "省定重点行业的名称：矿山、危险化学品、建筑施工、交通运输、机械制造等（或其英文代码）",
            example: "矿山",
        },
        Column {
            header: "参保人数",
            field: "insured",
            required: true,
            help: "工伤保险参保人数，0 或正整数",
            example: "120000",
        },
        Column {
            header: "认定工伤人数",
            field: "injuries",
            required: true,
            help: "当年认定工伤人数，0 或正整数",
            example: "240",
        },
        Column {
            header: "工亡人数", field: "deaths", required: true, help: "当年工亡人数，0 或正整数", example: "3"
        },
        Column {
            header: "职业病病例数",
            field: "disease_cases",
            required: true,
            help: "当年新发职业病病例数，0 或正整数",
            example: "5",
        },
    ],
};

/// The import's pages, under the statistics.
pub static IMPORTER: crate::import::pages::Importer = crate::import::pages::Importer {
    spec: &SPEC,
    job: KIND,
    base: "/statistics/import",
    back: super::views::crumb,
    region: super::importing_region,
    template: "工伤统计数据导入模板",
};

/// The industry a cell names: the key industry of that Chinese name, or of that key.
fn industry_of<'a>(raw: &str, industries: &'a [Industry]) -> Option<&'a Industry> {
    let raw = raw.trim();
    industries.iter().find(|i| i.name == raw || i.key.eq_ignore_ascii_case(raw))
}

/// One row checked on its own: its year, industry and figures, or its problems.
pub fn check_row(row: &import::Row, industries: &[Industry], this_year: i32) -> Result<ImportRow, Vec<RowError>> {
    let mut p = FormParser::default();
    let year = match row.get("year").parse::<i32>() {
        Ok(y) if year_allowed(y, this_year) => Some(y),
        Ok(y) if y > this_year => {
            p.check("year", false, "不能填写将来的年度");
            None
        }
        _ => {
            p.check("year", false, "请填写 2000 年至今年之间的年度，如 2025");
            None
        }
    };
    let industry = industry_of(row.get("industry"), industries);
    if industry.is_none() {
        let names: Vec<&str> = industries.iter().map(|i| i.name.as_str()).collect();
        p.check("industry", false, format!("不是省定重点行业，请填写：{}", names.join("、")));
    }
    let raw = ["insured", "injuries", "deaths", "disease_cases"].map(|f| row.get(f));
    let figures = match parse_figures(&mut p, raw) {
        Some(None) => {
            // A row of the file is data: all four figures are needed (0 where there were none).
            for field in super::model::FIELDS {
                p.check(field, false, "此项为必填项");
            }
            None
        }
        other => other.flatten(),
    };
    let parsed = p.finish(|| Some(ImportRow { year: year?, industry: industry?.key.clone(), figures: figures? }));
    parsed.map_err(|fields| import::row_errors(&SPEC, row, &fields))
}

/// The runner of `import.injury_statistics` jobs.
pub fn run(
    pool: PgPool,
    job: Job,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send>> {
    Box::pin(async move { import_statistics(&pool, &job).await })
}

const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// How many rows are checked between two progress reports.
const STEP: i64 = 500;

async fn import_statistics(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    let mut tx = db::begin(pool, WORKER).await?;
    let (_, content) = jobs::file(&mut tx, job).await?.ok_or_else(|| JobError::Other("导入文件缺失".into()))?;
    let industries = store::industries(&mut tx).await?;
    tx.commit().await?;
    // Reading is CPU work: off the async threads.
    let rows = match import::job::rows_of(content, &SPEC).await? {
        Ok(rows) => rows,
        Err(outcome) => return import::job::finish_unwritten(pool, job, &outcome).await,
    };
    let total = rows.len() as i64;
    let this_year = chrono::Datelike::year(&time::today());
    let mut errors = Vec::new();
    let mut keys = import::Keys::new(&SPEC, |k: &str| k.trim().to_string());
    let mut checked = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        match check_row(row, &industries, this_year) {
            Ok(input) => {
                // A year and industry twice in the file: which figures would count is unclear.
                errors.extend(keys.see_key(row, format!("{}|{}", input.year, input.industry)));
                checked.push(input);
            }
            Err(found) => errors.extend(found),
        }
        let done = i as i64 + 1;
        if (done % STEP == 0 || done == total) && !jobs::progress(pool, job, done, total).await? {
            return Err(JobError::LeaseLost);
        }
    }
    let rows = total as usize;
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return import::job::finish_unwritten(pool, job, &Outcome::Rejected { rows, errors }).await;
    }
    let mut tx = db::begin(pool, WORKER).await?;
    let counts = store::upsert(&mut tx, job.region_id, &checked, job.account_id, &job.account_name)
        .await
        .map_err(|e| JobError::Other(e.to_string()))?;
    let ctx = AuditContext::for_job(job.account_id, &job.account_name, job.region_id);
    let detail = format!(
        "导入工伤统计数据：共 {rows} 行，新增 {}，更新 {}，未变 {}",
        counts.added, counts.updated, counts.unchanged
    );
    audit::record(&mut tx, &ctx, Event::new(Action::ImportStatistics).object("job", job.id).detail(detail)).await?;
    let outcome = Outcome::Imported { rows, added: counts.added, updated: counts.updated, unchanged: counts.unchanged };
    let value = serde_json::to_value(&outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn industries() -> Vec<Industry> {
        vec![
            Industry { key: "mining".into(), name: "矿山".into() },
            Industry { key: "construction".into(), name: "建筑施工".into() },
        ]
    }

    fn rows(lines: &[[&str; 6]]) -> Vec<import::Row> {
        let header = SPEC.columns.iter().map(|c| c.header.to_string()).collect();
        let mut table = vec![header];
        table.extend(lines.iter().map(|l| l.iter().map(|c| c.to_string()).collect()));
        import::rows(&SPEC, table).unwrap().1
    }

    #[test]
    fn rows_are_checked_cell_by_cell() {
        let rows = rows(&[
            ["2025", "矿山", "120,000", "240", "3", "5"],
            ["2024", "Construction", "1000", "2", "0", "0"],
            ["2027", "粉尘涉爆", "-5", "", "0", "0"],
            ["", "", "", "", "", ""],
            ["二〇二五", "矿山", "1", "1", "1", "x"],
        ]);
        let good = check_row(&rows[0], &industries(), 2026).unwrap();
        assert_eq!((good.year, good.industry.as_str(), good.figures.insured), (2025, "mining", 120_000));
        assert_eq!(check_row(&rows[1], &industries(), 2026).unwrap().industry, "construction", "by its key");
        let bad = check_row(&rows[2], &industries(), 2026).unwrap_err();
        let by_column = |c: &str| bad.iter().find(|e| e.column == c).map(|e| e.message.clone());
        assert_eq!(by_column("年度").as_deref(), Some("不能填写将来的年度"));
        assert_eq!(by_column("重点行业").as_deref(), Some("不是省定重点行业，请填写：矿山、建筑施工"));
        assert_eq!(by_column("参保人数").as_deref(), Some("请填写 0 到 1 亿之间的整数"));
        assert!(by_column("认定工伤人数").is_some());
        assert_eq!(bad[0].row, 4, "the header is row 1");
        // The blank line is skipped by the reader; the next has a bad year and a bad figure.
        let worse = check_row(&rows[3], &industries(), 2026).unwrap_err();
        assert_eq!(worse.len(), 2);
    }
}
