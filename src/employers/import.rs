//! Importing employers from a spreadsheet, as a background job: the whole file is checked
//! first (every row through the same form checks as the page, the credit code unique in the
//! file); then every row is written in one transaction, or none. A re-import updates by credit
//! code and reports rows added, updated and unchanged.

use sqlx::PgPool;

use super::model::{EmployerForm, EmployerInput};
use super::store::{self, Counts};
use crate::audit::{self, Action, AuditContext, Event};
use crate::db::{self, DbActor, Scope};
use crate::import::{self, Column, Outcome, RowError, Spec};
use crate::industries::model::Division;
use crate::jobs::{self, Job, JobError};
use crate::web::form::FormParser;

/// The job kind.
pub const KIND: &str = "import.employers";

pub const SPEC: Spec = Spec {
    title: "用人单位",
    unit: "家",
    key: "credit_code",
    updates: "已登记的单位按统一社会信用代码更新。",
    columns: &[
        Column {
            header: "统一社会信用代码",
            field: "credit_code",
            required: true,
            help: "18 位，按 GB 32100-2015 校验；同一地区内不重复，已登记的单位按此代码更新",
            example: "9144030071526726XG",
        },
        Column {
            header: "单位名称",
            field: "name",
            required: true,
            help: "不超过 100 字",
            example: "沈阳示例化工有限公司",
        },
        Column {
            header: "行业大类代码",
            field: "division",
            required: true,
            help: "GB/T 4754-2017 大类代码，门类字母加两位数字，如 C26；重点行业和风险类别据此确定",
            example: "C26",
        },
        Column {
            header: "规模",
            field: "size",
            required: true,
            help: "大型、中型、小型、微型（或 large、medium、small、micro）",
            example: "中型",
        },
        Column {
            header: "参保人数", field: "insured_headcount", required: false, help: "0 或正整数", example: "320"
        },
        Column {
            header: "调整风险类别",
            field: "risk_class_override",
            required: false,
            help: "1–8，仅在行业大类对应的类别不符合单位主营业务时填写",
            example: "",
        },
        Column {
            header: "调整理由",
            field: "override_reason",
            required: false,
            help: "填写调整风险类别时必填",
            example: "",
        },
        Column {
            header: "地址",
            field: "address",
            required: false,
            help: "不超过 200 字",
            example: "沈阳市铁西区建设大路 1 号",
        },
        Column {
            header: "联系人", field: "contact_person", required: false, help: "不超过 50 字", example: "张伟"
        },
        Column {
            header: "联系电话",
            field: "contact_phone",
            required: false,
            help: "手机号或带区号的座机号",
            example: "024-23456789",
        },
        Column {
            header: "平台企业",
            field: "platform",
            required: false,
            help: "是或否（默认否）；平台企业另行填报即时配送等新就业形态劳动者",
            example: "否",
        },
    ],
};

/// How many rows are checked between two progress reports.
const STEP: i64 = 2_000;

/// The size column as people write it: the Chinese label or the stored name.
fn size_value(raw: &str) -> String {
    let raw = raw.trim();
    super::model::EmployerSize::ALL
        .iter()
        .find(|s| s.label() == raw || s.label().trim_end_matches('型') == raw)
        .map_or(raw.to_lowercase(), |s| s.as_str().to_string())
}

/// 是/否 as the form's `yes` or nothing (anything else is not 是 and reads as 否).
fn platform_value(raw: &str) -> String {
    if matches!(raw.trim(), "是" | "yes" | "Y" | "y") { "yes".into() } else { String::new() }
}

fn form_of(row: &import::Row) -> EmployerForm {
    EmployerForm {
        credit_code: row.get("credit_code").into(),
        name: row.get("name").into(),
        division: row.get("division").into(),
        risk_class_override: row.get("risk_class_override").into(),
        override_reason: row.get("override_reason").into(),
        size: size_value(row.get("size")),
        insured_headcount: row.get("insured_headcount").into(),
        address: row.get("address").into(),
        contact_person: row.get("contact_person").into(),
        contact_phone: row.get("contact_phone").into(),
        platform: platform_value(row.get("platform")),
        version: String::new(),
        form_token: crate::web::once::TokenField::default(),
    }
}

/// One row checked on its own: its input, or its problems.
pub fn check_row(row: &import::Row, divisions: &[Division]) -> Result<EmployerInput, Vec<RowError>> {
    let mut p = FormParser::default();
    let parsed = form_of(row).parse_fields(&mut p, divisions);
    p.finish(|| parsed).map_err(|fields| import::row_errors(&SPEC, row, &fields))
}

/// The runner of `import.employers` jobs.
pub fn run(
    pool: PgPool,
    job: Job,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send>> {
    Box::pin(async move { import_employers(&pool, &job).await })
}

const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

async fn import_employers(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    let mut tx = db::begin(pool, WORKER).await?;
    let (_, content) = jobs::file(&mut tx, job).await?.ok_or_else(|| JobError::Other("导入文件缺失".into()))?;
    let divisions = crate::industries::store::divisions(&mut tx).await?;
    tx.commit().await?;
    // Reading and checking are CPU work: off the async threads.
    let rows = match import::job::rows_of(content, &SPEC).await? {
        Ok(rows) => rows,
        Err(outcome) => return import::job::finish_unwritten(pool, job, &outcome).await,
    };
    let total = rows.len() as i64;
    let mut errors = Vec::new();
    let mut keys = import::Keys::new(&SPEC, |k: &str| k.trim().to_uppercase());
    // Good rows are written batch by batch in one transaction as they are checked, so neither
    // the file nor its rows are ever held twice; the first bad row stops the writing, the
    // checking goes on to report every problem, and the transaction is rolled back.
    let mut tx = db::begin(pool, WORKER).await?;
    let mut batch: Vec<EmployerInput> = Vec::with_capacity(WRITE_BATCH);
    let mut counts = Counts::default();
    for (i, row) in rows.into_iter().enumerate() {
        match check_row(&row, &divisions) {
            Ok(input) if errors.is_empty() => batch.push(input),
            Ok(_) => {}
            Err(found) => errors.extend(found),
        }
        errors.extend(keys.see(&row));
        if errors.is_empty() && batch.len() == WRITE_BATCH {
            counts = counts.plus(store::upsert(&mut tx, job.region_id, &batch).await?);
            batch.clear();
        }
        let done = i as i64 + 1;
        if (done % STEP == 0 || done == total) && !jobs::progress(pool, job, done, total).await? {
            return Err(JobError::LeaseLost);
        }
    }
    let rows = total as usize;
    if !errors.is_empty() {
        tx.rollback().await?;
        errors.sort_by_key(|e| e.row);
        return import::job::finish_unwritten(pool, job, &Outcome::Rejected { rows, errors }).await;
    }
    counts = counts.plus(store::upsert(&mut tx, job.region_id, &batch).await?);
    let ctx = AuditContext::for_job(job.account_id, &job.account_name, job.region_id);
    let detail = format!(
        "导入用人单位：共 {rows} 行，新增 {}，更新 {}，未变 {}",
        counts.added, counts.updated, counts.unchanged
    );
    audit::record(&mut tx, &ctx, Event::new(Action::ImportEmployers).object("job", job.id).detail(detail)).await?;
    let outcome = Outcome::Imported { rows, added: counts.added, updated: counts.updated, unchanged: counts.unchanged };
    let value = serde_json::to_value(&outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}

/// Rows written per statement.
const WRITE_BATCH: usize = 5_000;
