//! Demo joint meetings over 2025 and 2026 in 沈阳, 大连, 鞍山 and 省本级, with action items done
//! (some closed by the partner officers themselves), open and overdue. Made through the
//! meetings' own store functions, closings dated back to when they happened.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::demo_context;
use super::plans::{account, shanghai};
use crate::cycles;
use crate::db::{self, DbActor, Scope};
use crate::meetings::model::{ItemForm, MeetingForm, MeetingId};
use crate::meetings::store;
use crate::org::DepartmentKind as D;
use crate::regions;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// An action item: what, owner, due, and its closing (by whom, when, note) if done.
struct Item {
    what: &'static str,
    owner: D,
    due: &'static str,
    closed: Option<(&'static str, &'static str, &'static str)>,
}

struct Story {
    region: &'static str,
    keeper: &'static str,
    held_on: &'static str,
    special: bool,
    attending: &'static [D],
    attendees: &'static str,
    topics: &'static str,
    minutes: &'static str,
    items: &'static [Item],
}

const ALL_2025: &[D] =
    &[D::Hrss, D::IndustryIt, D::Finance, D::Housing, D::Transport, D::Health, D::Emergency, D::Union];
const ALL_2026: &[D] = &[
    D::Hrss,
    D::IndustryIt,
    D::Finance,
    D::Housing,
    D::Transport,
    D::Health,
    D::Emergency,
    D::Union,
    D::MarketRegulation,
];

const STORIES: &[Story] = &[
    Story {
        region: "210100",
        keeper: "demo_sy_hrss",
        held_on: "2025-03-18",
        special: false,
        attending: ALL_2025,
        attendees: "市人社局局长（召集人）、各成员单位分管负责同志及业务处室负责人",
        topics: "总结 2024 年工伤预防工作，部署 2025 年重点任务",
        minutes: "会议听取了市人社局关于 2024 年工伤预防工作情况的汇报，研究确定了 2025 年重点行业培训、联合检查和宣传工作安排。",
        items: &[
            Item {
                what: "组织建筑施工、危险化学品企业重点岗位职工培训不少于 5000 人次",
                owner: D::Hrss,
                due: "2025-11-30",
                closed: Some(("demo_sy_hrss", "2025-11-20 16:00", "全年培训 5362 人次，考核合格率 93%。")),
            },
            Item {
                what: "对粉尘涉爆企业开展联合检查，形成问题清单",
                owner: D::Emergency,
                due: "2025-06-30",
                closed: Some((
                    "demo_sy_emergency",
                    "2025-06-25 10:30",
                    "检查企业 46 家，发现隐患 132 处，已全部督促整改。",
                )),
            },
            Item {
                what: "建筑工地工伤预防宣传进工地活动",
                owner: D::Housing,
                due: "2025-09-30",
                closed: Some(("demo_sy_hrss", "2025-09-28 15:10", "开展进工地宣传 38 场，发放资料 1.2 万份。")),
            },
            Item {
                what: "通报典型事故案例并督促同类企业自查", owner: D::Transport, due: "2025-12-31", closed: None
            },
        ],
    },
    Story {
        region: "210100",
        keeper: "demo_sy_hrss",
        held_on: "2026-03-12",
        special: false,
        attending: ALL_2026,
        attendees: "市人社局局长（召集人）、各成员单位分管负责同志",
        topics: "部署 2026—2030 年工伤预防五年行动，明确 2026 年任务分工",
        minutes: "会议传达了省五年行动计划，审议通过本市实施方案（送审稿），市场监督管理部门首次作为成员单位参会。",
        items: &[
            Item {
                what: "报送本市实施方案及领导小组名单",
                owner: D::Hrss,
                due: "2026-06-30",
                closed: Some(("demo_sy_hrss", "2026-06-18 10:00", "已按期报送。")),
            },
            Item {
                what: "制定特种设备使用单位工伤预防宣传方案",
                owner: D::MarketRegulation,
                due: "2026-09-30",
                closed: None,
            },
            Item {
                what: "对冶金、有色企业有限空间作业开展专项检查",
                owner: D::Emergency,
                due: "2026-10-31",
                closed: Some(("demo_sy_emergency", "2026-10-29 14:20", "检查企业 28 家，责令停产整改 2 家。")),
            },
            Item { what: "落实工伤预防项目资金保障", owner: D::Finance, due: "2026-12-31", closed: None },
        ],
    },
    Story {
        region: "210100",
        keeper: "demo_sy_hrss",
        held_on: "2026-07-08",
        special: true,
        attending: &[D::Hrss, D::Emergency, D::IndustryIt],
        attendees: "市人社局、市应急管理局、市工业和信息化局相关处室负责人",
        topics: "粉尘涉爆企业工伤预防专题",
        minutes: "",
        items: &[Item {
            what: "梳理全市粉尘涉爆企业名单并共享",
            owner: D::IndustryIt,
            due: "2026-08-31",
            closed: None,
        }],
    },
    Story {
        region: "210200",
        keeper: "demo_dl_hrss",
        held_on: "2025-04-10",
        special: false,
        attending: ALL_2025,
        attendees: "市人社局副局长（召集人）、各成员单位联络员",
        topics: "港口装卸、仓储行业工伤预防工作部署",
        minutes: "会议研究了港口装卸和仓储行业工伤事故多发问题，确定由卫生健康部门牵头开展职业健康检查。",
        items: &[
            Item {
                what: "对港口装卸企业开展职业健康检查",
                owner: D::Health,
                due: "2025-10-31",
                closed: Some(("demo_dl_health", "2025-10-15 09:40", "完成 21 家企业职业健康检查，建立档案。")),
            },
            Item { what: "港口企业叉车司机安全培训", owner: D::Transport, due: "2025-12-31", closed: None },
        ],
    },
    Story {
        region: "210200",
        keeper: "demo_dl_hrss",
        held_on: "2026-04-02",
        special: false,
        attending: ALL_2026,
        attendees: "市人社局局长（召集人）、各成员单位分管负责同志",
        topics: "2026 年工伤预防工作安排",
        minutes: "",
        items: &[
            Item { what: "开展工伤预防宣传月活动", owner: D::Union, due: "2026-05-31", closed: None },
            Item {
                what: "建立工伤事故数据季度交换机制", owner: D::Health, due: "2027-03-31", closed: None
            },
        ],
    },
    Story {
        region: "210300",
        keeper: "demo_as_hrss",
        held_on: "2025-05-20",
        special: false,
        attending: ALL_2025,
        attendees: "市人社局局长（召集人）、各成员单位分管负责同志",
        topics: "冶金行业工伤预防工作部署",
        minutes: "",
        items: &[
            Item {
                what: "冶金企业煤气区域作业专项检查", owner: D::Emergency, due: "2025-08-31", closed: None
            },
            Item { what: "冶金企业班组长工伤预防培训", owner: D::Hrss, due: "2025-12-31", closed: None },
        ],
    },
    Story {
        region: "210000",
        keeper: "demo_province",
        held_on: "2026-02-26",
        special: false,
        attending: ALL_2026,
        attendees: "省人社厅分管厅领导（召集人）、省级各成员单位分管负责同志",
        topics: "全省工伤预防五年行动（2026—2030 年）启动部署",
        minutes: "会议审议通过全省五年行动计划，明确各成员单位职责分工。",
        items: &[Item {
            what: "指导各市报送实施方案并汇总",
            owner: D::Hrss,
            due: "2026-07-31",
            closed: Some(("demo_province", "2026-07-20 11:00", "14 个市均已报送，汇总情况已报厅领导。")),
        }],
    },
];

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").context("演示日期")
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let cycles = cycles::store::list(owner).await?;
    let ctx = demo_context();
    let today = crate::values::time::today();
    for story in STORIES {
        if day(story.held_on)? > today {
            continue;
        }
        let region = regions::store::find_by_code(owner, story.region).await?.context("演示地区不存在")?;
        let keeper = account(owner, story.keeper).await?;
        let form = MeetingForm {
            held_on: story.held_on.into(),
            kind: if story.special { "special" } else { "plenary" }.into(),
            convenor: "hrss".into(),
            attending: story.attending.iter().map(|d| d.as_str().to_string()).collect(),
            attendees: story.attendees.into(),
            topics: story.topics.into(),
            minutes: story.minutes.into(),
            version: "1".into(),
            ..MeetingForm::default()
        };
        let (input, _) = form.parse(&cycles, today).map_err(|e| anyhow::anyhow!("演示会议无效：{e:?}"))?;
        let mut tx = db::begin(owner, PROVINCE).await?;
        let id = store::create(&mut tx, &ctx, &region, keeper.0, &input).await?;
        tx.commit().await?;
        for item in story.items {
            add_and_close(owner, id, item).await?;
        }
    }
    let mut tx = owner.begin().await?;
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'meetings')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

async fn add_and_close(owner: &PgPool, id: MeetingId, item: &Item) -> anyhow::Result<()> {
    let ctx = demo_context();
    let mut tx = db::begin(owner, PROVINCE).await?;
    let meeting = store::find(&mut tx, id, true).await?.context("演示会议")?;
    let form = ItemForm {
        what: item.what.into(),
        owner: item.owner.as_str().into(),
        due_on: item.due.into(),
        ..ItemForm::default()
    };
    let input = form.parse(&meeting).map_err(|e| anyhow::anyhow!("演示事项无效：{e:?}"))?;
    let item_id = store::add_item(&mut tx, &ctx, &meeting, &input).await?;
    tx.commit().await?;
    let Some((by, when, note)) = item.closed else { return Ok(()) };
    let at = shanghai(when)?;
    if at > chrono::Utc::now() {
        return Ok(());
    }
    let by = account(owner, by).await?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let meeting = store::find(&mut tx, id, true).await?.context("演示会议")?;
    let found = meeting.item(item_id).cloned().context("演示事项")?;
    let on = day(&when[..10])?;
    store::close_item(&mut tx, &ctx, &meeting, &found, on, note, by.0, &by.1).await?;
    sqlx::query!("UPDATE meeting_action_items SET closed_at = $2 WHERE id = $1", item_id.0, at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
