//! Frozen versions: each submission freezes what was submitted, as a JSON snapshot with a
//! schema version, in one shared table (`record_versions`, region-scoped). Any two versions of a
//! record compare side by side: fields by their Chinese labels, repeated rows (indicators,
//! tasks, budget lines) matched row by row through a key the record gives each row, and exactly
//! the changed cells marked.
//!
//! A snapshot carries its labels, so an old version reads as it was submitted even after a
//! label changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::org::{AccountId, RegionId};

/// What was submitted, as the comparison reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The record kind's snapshot format; bumped when its shape changes.
    pub schema: u32,
    pub fields: Vec<Field>,
    pub tables: Vec<Table>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub key: String,
    pub label: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// A repeated row; `key` stays the same across versions (a row's id), so a row that was edited
/// is compared with itself, not with whatever now stands at its position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub key: String,
    pub cells: Vec<String>,
}

impl Snapshot {
    pub fn new(schema: u32) -> Snapshot {
        Snapshot { schema, fields: Vec::new(), tables: Vec::new() }
    }

    pub fn field(mut self, key: &str, label: &str, value: impl ToString) -> Snapshot {
        self.fields.push(Field { key: key.into(), label: label.into(), value: value.to_string() });
        self
    }

    pub fn table(mut self, key: &str, label: &str, columns: &[&str], rows: Vec<Row>) -> Snapshot {
        self.tables.push(Table {
            key: key.into(),
            label: label.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        });
        self
    }
}

/// One field side by side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDiff {
    pub label: String,
    pub before: String,
    pub after: String,
    pub changed: bool,
}

/// How a row fared between the versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowChange {
    Same,
    Changed,
    Added,
    Removed,
}

impl RowChange {
    pub fn label(self) -> &'static str {
        match self {
            RowChange::Same => "",
            RowChange::Changed => "修改",
            RowChange::Added => "新增",
            RowChange::Removed => "删除",
        }
    }
}

/// One row side by side; `changed[i]` marks cell `i`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowDiff {
    pub change: RowChange,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub changed: Vec<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDiff {
    pub label: String,
    pub columns: Vec<String>,
    pub rows: Vec<RowDiff>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub fields: Vec<FieldDiff>,
    pub tables: Vec<TableDiff>,
}

impl Comparison {
    /// How many cells differ in all (fields and table cells).
    pub fn changed_cells(&self) -> usize {
        self.fields.iter().filter(|f| f.changed).count()
            + self.tables.iter().flat_map(|t| &t.rows).map(|r| r.changed.iter().filter(|c| **c).count()).sum::<usize>()
    }
}

/// Compares `before` with `after`: fields in `after`'s order (then any only `before` had),
/// rows in `after`'s order with removed rows where they stood in `before`.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Comparison {
    let old: HashMap<&str, &Field> = before.fields.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut fields: Vec<FieldDiff> = after
        .fields
        .iter()
        .map(|f| {
            let was = old.get(f.key.as_str()).map(|o| o.value.clone()).unwrap_or_default();
            FieldDiff { label: f.label.clone(), changed: was != f.value, before: was, after: f.value.clone() }
        })
        .collect();
    for f in before.fields.iter().filter(|f| !after.fields.iter().any(|a| a.key == f.key)) {
        fields.push(FieldDiff { label: f.label.clone(), before: f.value.clone(), after: String::new(), changed: true });
    }
    let empty = Table { key: String::new(), label: String::new(), columns: Vec::new(), rows: Vec::new() };
    let mut tables: Vec<TableDiff> = after
        .tables
        .iter()
        .map(|t| compare_tables(before.tables.iter().find(|b| b.key == t.key).unwrap_or(&empty), t))
        .collect();
    for t in before.tables.iter().filter(|t| !after.tables.iter().any(|a| a.key == t.key)) {
        tables.push(compare_tables(t, &Table { columns: t.columns.clone(), label: t.label.clone(), ..empty.clone() }));
    }
    Comparison { fields, tables }
}

fn compare_tables(before: &Table, after: &Table) -> TableDiff {
    let width = after.columns.len().max(before.columns.len());
    let pad = |cells: &[String]| {
        let mut c = cells.to_vec();
        c.resize(width, String::new());
        c
    };
    let old: HashMap<&str, &Row> = before.rows.iter().map(|r| (r.key.as_str(), r)).collect();
    let mut rows = Vec::new();
    // Removed rows appear just before the first row that followed them in `before`.
    let mut pending_removed: Vec<&Row> = Vec::new();
    let kept: std::collections::HashSet<&str> = after.rows.iter().map(|r| r.key.as_str()).collect();
    let removed_before: HashMap<&str, Vec<&Row>> = {
        let mut map: HashMap<&str, Vec<&Row>> = HashMap::new();
        for r in &before.rows {
            if kept.contains(r.key.as_str()) {
                map.insert(r.key.as_str(), std::mem::take(&mut pending_removed));
            } else {
                pending_removed.push(r);
            }
        }
        map
    };
    let removed_row = |r: &Row| RowDiff {
        change: RowChange::Removed,
        before: pad(&r.cells),
        after: vec![String::new(); width],
        changed: vec![true; width],
    };
    for r in &after.rows {
        for gone in removed_before.get(r.key.as_str()).into_iter().flatten() {
            rows.push(removed_row(gone));
        }
        let now = pad(&r.cells);
        match old.get(r.key.as_str()) {
            Some(was) => {
                let was = pad(&was.cells);
                let changed: Vec<bool> = was.iter().zip(&now).map(|(a, b)| a != b).collect();
                let change = if changed.iter().any(|c| *c) { RowChange::Changed } else { RowChange::Same };
                rows.push(RowDiff { change, before: was, after: now, changed });
            }
            None => rows.push(RowDiff {
                change: RowChange::Added,
                before: vec![String::new(); width],
                after: now,
                changed: vec![true; width],
            }),
        }
    }
    for gone in pending_removed {
        rows.push(removed_row(gone));
    }
    let columns = if after.columns.is_empty() { before.columns.clone() } else { after.columns.clone() };
    TableDiff { label: if after.label.is_empty() { before.label.clone() } else { after.label.clone() }, columns, rows }
}

/// A frozen version as listed on a record's page.
#[derive(Clone, Debug)]
pub struct Version {
    pub version_no: i32,
    pub account_name: String,
    pub frozen_at: DateTime<Utc>,
}

/// Freezes the next version of a record, inside the caller's transaction; returns its number.
pub async fn freeze(
    tx: &mut PgConnection,
    region_id: RegionId,
    record_kind: &str,
    record_id: i64,
    snapshot: &Snapshot,
    by: AccountId,
    by_name: &str,
) -> Result<i32, sqlx::Error> {
    let value = serde_json::to_value(snapshot).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query_scalar!(
        r#"INSERT INTO record_versions (region_id, record_kind, record_id, version_no, schema_version, snapshot,
                                        account_id, account_name)
           SELECT $1, $2, $3, coalesce(max(version_no), 0) + 1, $4, $5, $6, $7
           FROM record_versions WHERE region_id = $1 AND record_kind = $2 AND record_id = $3
           RETURNING version_no"#,
        region_id.0,
        record_kind,
        record_id,
        snapshot.schema as i32,
        value,
        by.0,
        by_name,
    )
    .fetch_one(tx)
    .await
}

/// A record's versions, oldest first.
pub async fn list(tx: &mut PgConnection, record_kind: &str, record_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    sqlx::query_as!(
        Version,
        "SELECT version_no, account_name, frozen_at FROM record_versions
         WHERE record_kind = $1 AND record_id = $2 ORDER BY version_no",
        record_kind,
        record_id
    )
    .fetch_all(tx)
    .await
}

/// One version's snapshot, if it exists (and the scope may see it).
pub async fn snapshot(
    tx: &mut PgConnection,
    record_kind: &str,
    record_id: i64,
    version_no: i32,
) -> Result<Option<Snapshot>, sqlx::Error> {
    let value = sqlx::query_scalar!(
        "SELECT snapshot FROM record_versions WHERE record_kind = $1 AND record_id = $2 AND version_no = $3",
        record_kind,
        record_id,
        version_no
    )
    .fetch_optional(tx)
    .await?;
    value.map(|v| serde_json::from_value(v).map_err(|e| sqlx::Error::Decode(Box::new(e)))).transpose()
}

/// Two versions to compare, with the list to choose others from.
pub struct Pair {
    pub versions: Vec<Version>,
    pub a: i32,
    pub b: i32,
    pub before: Snapshot,
    pub after: Snapshot,
}

/// The record's versions and the snapshots of `a` and `b` (by default the last and the one
/// before it), in one statement; `None` when either is missing.
pub async fn pair(
    tx: &mut PgConnection,
    region_id: RegionId,
    record_kind: &str,
    record_id: i64,
    a: Option<i32>,
    b: Option<i32>,
) -> Result<Option<Pair>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH v AS (SELECT version_no, account_name, frozen_at, snapshot FROM record_versions
                      WHERE region_id = $1 AND record_kind = $2 AND record_id = $3),
                b AS (SELECT coalesce($5, (SELECT max(version_no) FROM v)) AS no),
                a AS (SELECT coalesce($4, greatest((SELECT no FROM b) - 1, 1)) AS no)
           SELECT version_no, account_name, frozen_at,
                  CASE WHEN version_no IN ((SELECT no FROM a), (SELECT no FROM b)) THEN snapshot END AS snapshot
           FROM v ORDER BY version_no"#,
        region_id.0,
        record_kind,
        record_id,
        a,
        b
    )
    .fetch_all(tx)
    .await?;
    let Some(last) = rows.last().map(|r| r.version_no) else { return Ok(None) };
    let b = b.unwrap_or(last);
    let a = a.unwrap_or((b - 1).max(1));
    let snapshot_of = |no: i32| -> Result<Option<Snapshot>, sqlx::Error> {
        rows.iter()
            .find(|r| r.version_no == no)
            .and_then(|r| r.snapshot.clone())
            .map(|v| serde_json::from_value(v).map_err(|e| sqlx::Error::Decode(Box::new(e))))
            .transpose()
    };
    let (Some(before), Some(after)) = (snapshot_of(a)?, snapshot_of(b)?) else { return Ok(None) };
    let versions = rows
        .into_iter()
        .map(|r| Version { version_no: r.version_no, account_name: r.account_name, frozen_at: r.frozen_at })
        .collect();
    Ok(Some(Pair { versions, a, b, before, after }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, cells: &[&str]) -> Row {
        Row { key: key.into(), cells: cells.iter().map(|c| c.to_string()).collect() }
    }

    fn plan(target: &str, rows: Vec<Row>) -> Snapshot {
        Snapshot::new(1)
            .field("guiding", "指导思想", "以人民为中心")
            .field("target", "事故率降低目标（%）", target)
            .table("tasks", "任务分工", &["任务", "责任部门", "措施", "完成时限"], rows)
    }

    #[test]
    fn exactly_the_changed_cells_are_marked() {
        let before = plan(
            "20",
            vec![
                row("1", &["联防联控", "应急管理", "联合检查", "2021-12-31"]),
                row("2", &["培训", "人社", "线上培训", "2022-06-30"]),
                row("3", &["宣传", "总工会", "宣传周", "2021-05-01"]),
            ],
        );
        let after = plan(
            "25",
            vec![
                row("1", &["联防联控", "应急管理", "联合检查", "2022-03-31"]),
                row("3", &["宣传", "总工会", "宣传周", "2021-05-01"]),
                row("4", &["费用", "财政", "预算管理", "2021-12-31"]),
            ],
        );
        let c = compare(&before, &after);
        assert_eq!(c.fields.iter().map(|f| f.changed).collect::<Vec<_>>(), [false, true]);
        assert_eq!((c.fields[1].before.as_str(), c.fields[1].after.as_str()), ("20", "25"));
        let rows = &c.tables[0].rows;
        let changes: Vec<RowChange> = rows.iter().map(|r| r.change).collect();
        assert_eq!(changes, [RowChange::Changed, RowChange::Removed, RowChange::Same, RowChange::Added]);
        assert_eq!(rows[0].changed, [false, false, false, true], "only the deadline of row 1");
        assert_eq!(rows[1].before[0], "培训", "the removed row where it stood");
        assert_eq!(c.changed_cells(), 1 + 1 + 4 + 4);
    }

    #[test]
    fn identical_versions_differ_nowhere() {
        let v = plan("20", vec![row("1", &["a", "b", "c", "d"])]);
        assert_eq!(compare(&v, &v).changed_cells(), 0);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(serde_json::from_value::<Snapshot>(json).unwrap(), v, "round trip");
    }
}
