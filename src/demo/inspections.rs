//! Demo joint inspections: in 沈阳, 大连 and 鞍山 this year, of employers across the key
//! industries, with findings in every status: overdue, due within a week, open, extended twice,
//! rectified and awaiting verification, verified by a second officer, referred for penalty.
//! Written through the feature's store, as the pages would (each follow-up in the finding's
//! history and the audit log, verification never by whoever recorded the rectification).

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::db::{self, DbActor, Scope};
use crate::inspections::model::{
    FindingCategory, FindingId, FindingInput, FollowUp, FollowUpInput, HazardLevel, InspectionInput, ReferralLaw,
};
use crate::inspections::store::{self, FollowUpRequest};
use crate::org::{AccountId, DepartmentKind, RegionId, Role};
use crate::values::time;
use crate::web::once::{FormToken, new_token};
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Who acts in a city: the HRSS officer, a second HRSS officer, and a partner officer with
/// their department.
struct Crew {
    region: RegionId,
    hrss: (AccountId, String),
    second: Option<(AccountId, String)>,
    partner: Option<((AccountId, String), DepartmentKind)>,
}

/// What becomes of a finding.
#[derive(Clone, Copy)]
enum Fate {
    Open,
    Overdue,
    ExtendedTwice,
    Rectified,
    Verified,
    Referred,
}

struct Planned {
    days_ago: i64,
    deadline_in: i64,
    category: FindingCategory,
    description: &'static str,
    basis: &'static str,
    advice: &'static str,
    fate: Fate,
}

const PLANNED: &[Planned] = &[
    Planned {
        days_ago: 75,
        deadline_in: -15,
        category: FindingCategory::Hazard,
        description: "配电柜未可靠接地，部分电缆绝缘层破损",
        basis: "《安全生产法》第四十一条",
        advice: "立即停用破损电缆，15日内完成接地改造并经检测合格",
        fate: Fate::Overdue,
    },
    Planned {
        days_ago: 30,
        deadline_in: 5,
        category: FindingCategory::ExposureExceeded,
        description: "打磨工位粉尘浓度检测超标，除尘设施未正常运行",
        basis: "《职业病防治法》第二十六条",
        advice: "修复除尘设施，为作业人员配发合格防尘口罩并组织复测",
        fate: Fate::Open,
    },
    Planned {
        days_ago: 20,
        deadline_in: 40,
        category: FindingCategory::Responsibility,
        description: "未建立工伤预防培训台账，一线班组长未参加培训",
        basis: "《工伤保险条例》第四条",
        advice: "建立培训台账，年内组织一线班组长参加工伤预防培训",
        fate: Fate::Open,
    },
    Planned {
        days_ago: 120,
        deadline_in: -90,
        category: FindingCategory::Hazard,
        description: "液氨储罐区可燃气体报警装置失效",
        basis: "《安全生产法》第三十六条",
        advice: "更换报警探头并接入中控室，完成后报检",
        fate: Fate::ExtendedTwice,
    },
    Planned {
        days_ago: 50,
        deadline_in: -5,
        category: FindingCategory::AccidentSign,
        description: "近三个月发生两起手部机械伤害，冲压设备双手按钮被短接",
        basis: "《安全生产法》第三十六条",
        advice: "恢复冲压设备安全联锁，开展事故隐患排查和警示教育",
        fate: Fate::Rectified,
    },
    Planned {
        days_ago: 100,
        deadline_in: -60,
        category: FindingCategory::Hazard,
        description: "受限空间作业未执行审批，未配备气体检测仪",
        basis: "《安全生产法》第四十三条",
        advice: "建立受限空间作业审批制度，配备检测和救援器材",
        fate: Fate::Verified,
    },
    Planned {
        days_ago: 90,
        deadline_in: -45,
        category: FindingCategory::Hazard,
        description: "擅自拆除车间防火分隔，逾期未整改",
        basis: "《安全生产法》第一百零二条",
        advice: "恢复防火分隔，逾期不改的依法处理",
        fate: Fate::Referred,
    },
];

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let crews = [
        ("210100", "demo_sy_hrss", Some("demo_sy_hrss_2"), Some(("demo_sy_emergency", DepartmentKind::Emergency))),
        ("210200", "demo_dl_hrss", Some("demo_dl_hrss_2"), Some(("demo_dl_health", DepartmentKind::Health))),
        ("210300", "demo_as_hrss", None, None),
    ];
    for (code, hrss, second, partner) in crews {
        let region = crate::regions::store::find_by_code(owner, code).await?.context("演示地区")?;
        let crew = Crew {
            region: region.id,
            hrss: account(owner, hrss).await?,
            second: match second {
                Some(s) => Some(account(owner, s).await?),
                None => None,
            },
            partner: match partner {
                Some((p, department)) => Some((account(owner, p).await?, department)),
                None => None,
            },
        };
        seed_city(owner, &crew).await?;
    }
    sqlx::query("INSERT INTO seed_log (entity, key) VALUES ('demo', 'inspections')").execute(owner).await?;
    Ok(())
}

async fn seed_city(owner: &PgPool, crew: &Crew) -> anyhow::Result<()> {
    let ctx = demo_context();
    let today = time::today();
    // Employers are under row-level security: read in the province's scope.
    let mut tx = db::begin(owner, PROVINCE).await?;
    let employers: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, credit_code FROM (
             SELECT DISTINCT ON (division_code) id, name, credit_code, division_code FROM employers
             WHERE region_id = $1 ORDER BY division_code, id) e
         ORDER BY division_code LIMIT 8",
    )
    .bind(crew.region.0)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    anyhow::ensure!(!employers.is_empty(), "演示联合检查：本地区没有用人单位");
    let hrss = By { account: crew.hrss.0, name: &crew.hrss.1 };
    // The partner's department leads and answers for the hazards; HRSS for the rest.
    let (lead, lead_by) = match &crew.partner {
        Some((who, department)) => (*department, By { account: who.0, name: &who.1 }),
        None => (DepartmentKind::Emergency, By { account: crew.hrss.0, name: &crew.hrss.1 }),
    };
    for (n, planned) in PLANNED.iter().enumerate() {
        let Some((employer, _, code)) = employers.get(n % employers.len().max(1)) else { break };
        let inspected_on = today - Duration::days(planned.days_ago);
        let mut tx = db::begin(owner, PROVINCE).await?;
        let input = InspectionInput {
            inspected_on,
            lead_department: if n % 2 == 0 { lead } else { DepartmentKind::Hrss },
            departments: vec![DepartmentKind::Hrss, DepartmentKind::Health, DepartmentKind::Emergency]
                .into_iter()
                .filter(|d| *d != if n % 2 == 0 { lead } else { DepartmentKind::Hrss })
                .collect(),
            inspectors: "王芳、李建国、赵丽娟".into(),
            employer: code.clone(),
            summary: "检查安全生产主体责任落实、职业病危害防治和工伤预防培训情况".into(),
        };
        let by = if n % 2 == 0 { &lead_by } else { &hrss };
        let id = store::create_inspection(&mut tx, &ctx, crew.region, *employer, &input, by).await?;
        let inspection = store::find_inspection(&mut tx, id).await?.context("演示检查")?;
        let finding = FindingInput {
            category: planned.category,
            hazard_level: (planned.category == FindingCategory::Hazard).then_some(if n % 3 == 0 {
                HazardLevel::Major
            } else {
                HazardLevel::General
            }),
            description: planned.description.into(),
            legal_basis: planned.basis.into(),
            advice: planned.advice.into(),
            deadline: today + Duration::days(planned.deadline_in),
            responsible_department: if planned.category == FindingCategory::Hazard {
                lead
            } else {
                DepartmentKind::Hrss
            },
        };
        let finding_id = store::add_finding(&mut tx, &ctx, &inspection, &finding, by).await?;
        tx.commit().await?;
        let acting = if finding.responsible_department == lead { &lead_by } else { &hrss };
        follow_ups(owner, crew, finding_id, planned, acting, today).await?;
    }
    Ok(())
}

async fn act(
    owner: &PgPool,
    by: &By<'_>,
    role: Role,
    id: FindingId,
    action: FollowUp,
    comment: &str,
    input: FollowUpInput,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let ctx = demo_context();
    let token = FormToken::parse(&new_token())?;
    let request = FollowUpRequest { action, comment, input: &input, today, max_extensions: 2 };
    let mut tx = db::begin(owner, PROVINCE).await?;
    store::follow_up(&mut tx, &ctx, by, role, &token, id, &request)
        .await
        .map_err(|e| anyhow::anyhow!("演示整改事项办理：{e:?}"))?;
    tx.commit().await?;
    Ok(())
}

fn role_of(by: &By<'_>, crew: &Crew) -> Role {
    if by.account == crew.hrss.0 || crew.second.as_ref().is_some_and(|s| s.0 == by.account) {
        Role::CityOfficer
    } else {
        Role::PartnerOfficer
    }
}

async fn follow_ups(
    owner: &PgPool,
    crew: &Crew,
    id: FindingId,
    planned: &Planned,
    acting: &By<'_>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let role = role_of(acting, crew);
    let deadline = today + Duration::days(planned.deadline_in);
    match planned.fate {
        Fate::Open | Fate::Overdue => {}
        Fate::ExtendedTwice => {
            let first = deadline + Duration::days(60);
            act(
                owner,
                acting,
                role,
                id,
                FollowUp::Extend,
                "报警系统需整体更换，设备订货周期长",
                FollowUpInput::Extend { to: first },
                today,
            )
            .await?;
            let second = today + Duration::days(20);
            act(
                owner,
                acting,
                role,
                id,
                FollowUp::Extend,
                "新设备已到货，安装调试需停产配合",
                FollowUpInput::Extend { to: second },
                today,
            )
            .await?;
        }
        Fate::Rectified | Fate::Verified => {
            let on = (deadline - Duration::days(2)).min(today);
            act(
                owner,
                acting,
                role,
                id,
                FollowUp::Rectify,
                "已按要求整改，附整改前后照片和检测报告",
                FollowUpInput::Rectify { on },
                today,
            )
            .await?;
            if matches!(planned.fate, Fate::Verified) {
                // Verified by an officer other than whoever recorded the rectification.
                let verifier = match &crew.second {
                    Some(second) if second.0 != acting.account => By { account: second.0, name: &second.1 },
                    _ if crew.hrss.0 != acting.account => By { account: crew.hrss.0, name: &crew.hrss.1 },
                    _ => return Ok(()),
                };
                act(
                    owner,
                    &verifier,
                    Role::CityOfficer,
                    id,
                    FollowUp::Verify,
                    "现场复核，整改到位",
                    FollowUpInput::Verify,
                    today,
                )
                .await?;
            }
        }
        Fate::Referred => {
            let input = FollowUpInput::Refer {
                law: ReferralLaw::WorkSafety,
                to: "市应急管理局".into(),
                number: format!("移字〔{}〕{}号", chrono::Datelike::year(&today), 10 + id.0 % 80),
            };
            act(owner, acting, role, id, FollowUp::Refer, "逾期拒不整改", input, today).await?;
        }
    }
    Ok(())
}
