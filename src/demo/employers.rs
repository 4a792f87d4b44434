//! Demo employers: a few hundred across the key industries in 沈阳 and 大连 and some in every
//! other city, generated deterministically (`employers::sample`), plus one whose risk class was
//! overridden with a reason.

use anyhow::Context;
use sqlx::PgPool;

use super::demo_context;
use crate::db::{self, DbActor, Scope};
use crate::employers::sample::Sample;
use crate::employers::{model::EmployerForm, store};
use crate::regions;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let mut sample = Sample::new(2026);
    let mut tx = db::begin(owner, PROVINCE).await?;
    for region in regions::store::list(&mut *tx).await? {
        let count = match region.code.as_str() {
            "210100" => 300,
            "210200" => 200,
            _ => 20,
        };
        let rows: Vec<_> = (0..count).map(|n| sample.employer(&region.code, &region.name, n)).collect();
        store::insert_samples(&mut tx, region.id, &rows).await?;
    }
    tx.commit().await?;
    // A 大连 port company: G59 carries class 5, but its business is warehousing (class 2).
    let dalian = regions::store::find_by_code(owner, "210200").await?.context("演示地区")?;
    let divisions = crate::industries::store::divisions(&mut *owner.acquire().await?).await?;
    let form = EmployerForm {
        credit_code: crate::values::CreditCode::completing("91210200MA0DEM001")
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        name: "大连港湾冷链仓储有限公司".into(),
        division: "G59".into(),
        risk_class_override: "2".into(),
        override_reason: "主营冷库仓储，不从事装卸搬运，按仓储业二类".into(),
        size: "medium".into(),
        insured_headcount: "186".into(),
        address: "大连市甘井子区港湾路 18 号".into(),
        contact_person: "孙丽".into(),
        contact_phone: "0411-84567890".into(),
        platform: String::new(),
        version: String::new(),
        form_token: crate::web::once::TokenField::default(),
    };
    let (input, _) = form.parse(&divisions).map_err(|e| anyhow::anyhow!("演示用人单位无效：{e:?}"))?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    store::create(&mut tx, &demo_context(), &dalian, &input).await?;
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'employers')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
