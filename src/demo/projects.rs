//! Demo prevention project applications for 2027, entered in November 2026: a round in 沈阳 and
//! one in 大连, their applicant organizations (associations, large and medium firms) and a
//! dozen applications in every state up to the pre-review (drafts half filled in, submitted,
//! returned with comments and resubmitted, passed to the expert review, rejected), with
//! realistic cost lines, targets, milestones and documents. Made through the features' own
//! store functions; each step dated back to when it happened.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::demo_context;
use super::plans::{account, shanghai};
use crate::applicants::model::{ApplicantForm, ApplicantId};
use crate::attachments::{self, samples, upload::Received};
use crate::db::{self, DbActor, Scope};
use crate::key_industries::model::KeyIndustry;
use crate::org::{AccountId, DepartmentKind as D};
use crate::project_rounds::model::{Round, RoundForm, RoundId};
use crate::projects::model::{ProjectAction, ProjectForm, ProjectId};
use crate::projects::store::TransitionRequest;
use crate::projects::views::industry_name;
use crate::regions;
use crate::web::once::{FormToken, new_token};
use crate::workflow::{By, Done};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub(super) struct RoundStory {
    pub(super) year: i32,
    pub(super) region: &'static str,
    pub(super) keeper: &'static str,
    pub(super) title: &'static str,
    pub(super) opens_on: &'static str,
    pub(super) closes_on: &'static str,
    pub(super) created: &'static str,
    pub(super) industries: &'static [&'static str],
    pub(super) target_groups: &'static str,
    pub(super) guide: &'static str,
}

const ROUNDS: &[RoundStory] = &[
    RoundStory {
        year: 2027,
        region: "210100",
        keeper: "demo_sy_hrss",
        title: "2027年度工伤预防项目申报（第一批）",
        opens_on: "2026-11-01",
        closes_on: "2026-12-31",
        created: "2026-10-20 09:30",
        industries: &["province:mining", "province:hazardous_chemicals", "province:construction", "province:machinery"],
        target_groups: "重点行业企业主要负责人、安全管理人员、一线班组长；新就业形态劳动者",
        guide: "一、申报范围：面向本市矿山、危险化学品、建筑施工、机械制造等重点行业企业开展的工伤预防宣传、培训项目。\n二、申报主体：依法登记的行业协会和大中型企业；面向小微企业的项目由相关部门通过政府采购组织实施。\n三、申报材料：申报表、申报书及可行性研究报告、实施方案、费用测算说明、法人证明。\n四、项目周期原则上为 1 年，最长不超过 2 年。",
    },
    RoundStory {
        year: 2027,
        region: "210200",
        keeper: "demo_dl_hrss",
        title: "2027年度工伤预防宣传培训项目申报",
        opens_on: "2026-11-10",
        closes_on: "2027-01-15",
        created: "2026-11-02 14:00",
        industries: &["province:transport", "province:hazardous_chemicals", "province:construction"],
        target_groups: "港口物流、危险化学品和建筑施工企业一线职工",
        guide: "围绕港口装卸、危险化学品储运和建筑施工等事故多发环节，申报工伤预防宣传和培训项目。申报单位须对所填内容和所附材料的真实性负责。",
    },
];

pub(super) struct Org {
    pub(super) region: &'static str,
    pub(super) body: &'static str,
    pub(super) name: &'static str,
    pub(super) unit_type: &'static str,
    pub(super) division: &'static str,
    pub(super) address: &'static str,
    pub(super) legal: &'static str,
    pub(super) contact: &'static str,
    pub(super) phone: &'static str,
}

pub(super) const ORGS: &[Org] = &[
    Org {
        region: "210100",
        body: "51210100MJ0HN0001",
        name: "沈阳市安全生产协会",
        unit_type: "association",
        division: "S95",
        address: "沈阳市和平区南京北街 206 号",
        legal: "高振东",
        contact: "孙丽",
        phone: "024-23251166",
    },
    Org {
        region: "210100",
        body: "51210100MJ0HN0002",
        name: "沈阳市建筑业协会",
        unit_type: "association",
        division: "S95",
        address: "沈阳市沈河区青年大街 88 号",
        legal: "刘长江",
        contact: "马晓燕",
        phone: "024-22873310",
    },
    Org {
        region: "210100",
        body: "91210100MA0HN0003",
        name: "沈阳重型机械集团有限责任公司",
        unit_type: "large",
        division: "C35",
        address: "沈阳市铁西区北一西路 39 号",
        legal: "赵铁军",
        contact: "王宏",
        phone: "024-25801234",
    },
    Org {
        region: "210100",
        body: "91210100MA0HN0004",
        name: "沈阳化工股份有限公司",
        unit_type: "large",
        division: "C26",
        address: "沈阳市铁西区卫工北街 46 号",
        legal: "何建华",
        contact: "林静",
        phone: "024-25553388",
    },
    Org {
        region: "210100",
        body: "91210100MA0HN0005",
        name: "沈阳金岭矿业有限公司",
        unit_type: "medium",
        division: "B09",
        address: "沈阳市法库县秀水河子镇",
        legal: "郭永胜",
        contact: "朱海",
        phone: "024-87126655",
    },
    Org {
        region: "210200",
        body: "51210200MJ0DL0001",
        name: "大连市港口与物流协会",
        unit_type: "association",
        division: "S95",
        address: "大连市中山区港湾街 1 号",
        legal: "罗海峰",
        contact: "吴倩",
        phone: "0411-82627788",
    },
    Org {
        region: "210200",
        body: "91210200MA0DL0002",
        name: "大连西太平洋石油化工有限公司",
        unit_type: "large",
        division: "C25",
        address: "大连市经济技术开发区海青岛",
        legal: "周志远",
        contact: "胡敏",
        phone: "0411-87591234",
    },
    Org {
        region: "210200",
        body: "91210200MA0DL0003",
        name: "大连城建集团有限公司",
        unit_type: "large",
        division: "E48",
        address: "大连市西岗区长春路 230 号",
        legal: "徐国庆",
        contact: "黄雪",
        phone: "0411-83631100",
    },
];

/// A step of an application's life: who, when (Asia/Shanghai), and the comment.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Submit(&'static str, &'static str),
    Return(&'static str, &'static str, &'static str),
    Pass(&'static str, &'static str, &'static str),
    Reject(&'static str, &'static str, &'static str),
    /// Before the resubmission: a line's unit price changed, as the return asked.
    Reprice(&'static str, &'static str),
}

pub(super) type Line = (u8, &'static str, &'static str, &'static str, &'static str);
pub(super) type Target = (u8, &'static str, &'static str, &'static str, &'static str, &'static str);

#[derive(Clone, Copy)]
pub(super) struct Application {
    pub(super) region: &'static str,
    /// An index into `ORGS`, or the department for a procurement project.
    pub(super) org: Option<usize>,
    pub(super) department: Option<D>,
    pub(super) entered: &'static str,
    pub(super) name: &'static str,
    pub(super) project_type: &'static str,
    pub(super) industry: &'static str,
    pub(super) mode: &'static str,
    pub(super) starts_on: &'static str,
    pub(super) ends_on: &'static str,
    pub(super) target_group: &'static str,
    pub(super) planned: &'static str,
    pub(super) background: &'static str,
    pub(super) content: &'static str,
    pub(super) safeguards: &'static str,
    pub(super) lines: &'static [Line],
    pub(super) targets: &'static [Target],
    pub(super) milestones: &'static [(&'static str, &'static str)],
    /// Documents uploaded (every required one when the application is submitted).
    pub(super) documents: bool,
    pub(super) steps: &'static [Step],
}

const TRAINING_TARGETS: &[Target] = &[
    (1, "output.quantity", "培训人次", "ge", "1200", "人次"),
    (1, "output.quality", "考核合格率", "ge", "90", "%"),
    (1, "outcome.social", "参训企业工伤事故发生率较前三年平均下降", "ge", "10", "%"),
    (1, "satisfaction.satisfaction", "参训人员满意度", "ge", "85", "%"),
];

const PUBLICITY_TARGETS: &[Target] = &[
    (1, "output.quantity", "宣传活动场次", "ge", "30", "场"),
    (1, "output.quantity", "发放宣传资料", "ge", "20000", "份"),
    (1, "outcome.social", "受众工伤预防知识知晓率", "ge", "80", "%"),
    (1, "satisfaction.satisfaction", "受众满意度", "ge", "85", "%"),
];

pub(super) const APPLICATIONS: &[Application] = &[
    Application {
        region: "210100",
        org: Some(4),
        department: None,
        entered: "2026-11-05 10:20",
        name: "金属非金属矿山一线班组长工伤预防能力提升培训",
        project_type: "training",
        industry: "province:mining",
        mode: "commissioned",
        starts_on: "2027-03-01",
        ends_on: "2027-12-31",
        target_group: "本市金属非金属矿山企业一线班组长",
        planned: "1200",
        background: "2023—2025 年本市矿山企业共发生工伤事故 86 起，其中一线作业环节占 71%，班组长安全意识和现场处置能力不足是主要原因。",
        content: "委托具备资质的培训机构，分 20 期开展线下集中培训，每期 60 人、16 学时，内容包括矿山安全法规、典型事故案例、隐患辨识和应急处置，培训后统一考核。",
        safeguards: "成立由企业主要负责人任组长的项目领导小组，建立培训台账，接受人社、应急管理部门监督检查。",
        lines: &[
            (1, "师资费", "学时", "800", "320"),
            (1, "培训教材及资料", "套", "45.5", "1200"),
            (1, "场地租赁费", "天", "1500", "40"),
            (1, "考核及证书制作", "人", "20", "1200"),
        ],
        targets: TRAINING_TARGETS,
        milestones: &[
            ("2027-03-31", "完成培训方案、教材编写和机构遴选"),
            ("2027-09-30", "完成前 12 期培训"),
            ("2027-12-15", "完成全部培训和考核，提交总结报告"),
        ],
        documents: true,
        steps: &[
            Step::Submit("demo_sy_hrss", "2026-11-12 15:30"),
            Step::Pass("demo_sy_hrss_2", "2026-11-18 10:05", "材料齐全，符合本批次重点领域，同意提交专家评审。"),
        ],
    },
    Application {
        region: "210100",
        org: Some(2),
        department: None,
        entered: "2026-11-06 09:00",
        name: "重型装备制造企业机械伤害预防专项培训",
        project_type: "training",
        industry: "province:machinery",
        mode: "own",
        starts_on: "2027-04-01",
        ends_on: "2027-11-30",
        target_group: "集团及上下游配套企业的冲压、起重、焊接岗位职工",
        planned: "1500",
        background: "机械伤害和起重伤害占本集团近三年工伤认定的 64%。",
        content: "利用集团培训中心和实训基地，开展起重作业、冲压设备操作、焊接作业三个专题培训，每个专题 10 期，理论与实操结合。",
        safeguards: "集团安全环保部牵头，人力资源部配合，培训效果纳入年度安全绩效考核。",
        lines: &[
            (1, "实训设备耗材", "批", "28000", "3"),
            (1, "外聘专家授课费", "学时", "1000", "120"),
            (1, "培训教材", "册", "38", "1500"),
        ],
        targets: TRAINING_TARGETS,
        milestones: &[("2027-06-30", "完成起重、冲压专题培训"), ("2027-11-15", "完成全部培训并评估效果")],
        documents: true,
        steps: &[
            Step::Submit("demo_sy_hrss", "2026-11-13 11:00"),
            Step::Return(
                "demo_sy_hrss_2",
                "2026-11-19 14:20",
                "实训设备耗材单价过高，请补充三家以上询价材料；培训对象中上下游企业的人数请在实施方案中列明。",
            ),
            Step::Reprice("实训设备耗材", "22000"),
            Step::Submit("demo_sy_hrss", "2026-11-24 09:40"),
        ],
    },
    Application {
        region: "210100",
        org: Some(0),
        department: None,
        entered: "2026-11-08 14:10",
        name: "“安康杯”工伤预防知识进企业宣传活动",
        project_type: "publicity",
        industry: "province:hazardous_chemicals",
        mode: "own",
        starts_on: "2027-03-01",
        ends_on: "2028-02-29",
        target_group: "危险化学品生产、储存企业职工",
        planned: "20000",
        background: "危险化学品企业职工对工伤保险和工伤预防政策知晓率偏低。",
        content: "组织宣讲团进企业开展 30 场专题宣讲，制作发放宣传手册和短视频，开展线上知识竞赛。",
        safeguards: "协会秘书处设项目办公室，聘请专家把关宣传内容。",
        lines: &[
            (1, "宣传手册设计印刷", "册", "6.8", "20000"),
            (1, "短视频制作", "部", "15000", "4"),
            (1, "宣讲专家劳务费", "场", "2000", "30"),
            (1, "线上知识竞赛奖品", "份", "50", "600"),
        ],
        targets: PUBLICITY_TARGETS,
        milestones: &[("2027-06-30", "完成宣传品制作和首批 10 场宣讲"), ("2028-01-31", "完成全部宣讲和知识竞赛")],
        documents: true,
        steps: &[Step::Submit("demo_sy_hrss", "2026-11-20 16:45")],
    },
    Application {
        region: "210100",
        org: Some(1),
        department: None,
        entered: "2026-11-09 10:00",
        name: "建筑施工企业高处坠落预防 VR 体验培训",
        project_type: "training",
        industry: "province:construction",
        mode: "commissioned",
        starts_on: "2027-03-01",
        ends_on: "2028-08-31",
        target_group: "本市建筑施工企业架子工、塔吊司机及现场管理人员",
        planned: "3000",
        background: "高处坠落是本市建筑业工伤事故的首要类型，传统课堂培训效果有限。",
        content: "建设 VR 安全体验馆一处，第一年度完成建设和首批 1200 人次体验培训，第二年度扩展至 1800 人次并开发移动端课程。",
        safeguards: "协会与两家培训机构签订委托协议，按季度报送进度。",
        lines: &[
            (1, "VR 体验设备租赁", "月", "12000", "10"),
            (1, "课程开发", "项", "60000", "1"),
            (1, "培训组织费", "人次", "80", "1200"),
            (2, "VR 体验设备租赁", "月", "12000", "6"),
            (2, "移动端课程开发", "项", "40000", "1"),
            (2, "培训组织费", "人次", "80", "1800"),
        ],
        targets: &[
            (1, "output.quantity", "体验培训人次", "ge", "1200", "人次"),
            (1, "outcome.social", "参训企业高处坠落事故起数下降", "ge", "10", "%"),
            (2, "output.quantity", "体验培训人次", "ge", "1800", "人次"),
            (2, "outcome.sustainability", "移动端课程上线并持续使用", "ge", "12", "个月"),
        ],
        milestones: &[
            ("2027-05-31", "体验馆建成投入使用"),
            ("2027-12-31", "完成第一年度 1200 人次培训"),
            ("2028-08-15", "完成第二年度培训，移动端课程上线"),
        ],
        documents: true,
        steps: &[
            Step::Submit("demo_sy_hrss", "2026-11-16 09:15"),
            Step::Return(
                "demo_sy_hrss_2",
                "2026-11-23 15:00",
                "VR 设备宜租赁而非购置，已符合要求；但第二年度绩效目标缺少质量指标，请补充考核合格率等指标后再提交。",
            ),
        ],
    },
    Application {
        region: "210100",
        org: Some(3),
        department: None,
        entered: "2026-11-10 13:30",
        name: "化工园区员工心理健康与职业健康讲座",
        project_type: "publicity",
        industry: "province:hazardous_chemicals",
        mode: "own",
        starts_on: "2027-03-01",
        ends_on: "2027-12-31",
        target_group: "化工园区企业职工",
        planned: "800",
        background: "职工反映工作压力大。",
        content: "邀请心理咨询师开展讲座。",
        safeguards: "由工会负责组织。",
        lines: &[(1, "讲座劳务费", "场", "5000", "12"), (1, "心理测评系统采购", "套", "98000", "1")],
        targets: &[
            (1, "output.quantity", "讲座场次", "ge", "12", "场"),
            (1, "outcome.social", "职工满意度", "ge", "90", "%"),
        ],
        milestones: &[("2027-12-31", "完成全部讲座")],
        documents: true,
        steps: &[
            Step::Submit("demo_sy_hrss", "2026-11-14 10:30"),
            Step::Reject(
                "demo_sy_hrss_2",
                "2026-11-21 11:20",
                "项目内容以心理健康为主，不属于工伤预防宣传培训范围；心理测评系统采购属于设备购置，不得使用工伤预防费。",
            ),
        ],
    },
    Application {
        region: "210100",
        org: None,
        department: Some(D::Emergency),
        entered: "2026-11-11 15:00",
        name: "小微企业工伤预防宣传进园区（政府采购）",
        project_type: "publicity",
        industry: "province:machinery",
        mode: "procurement",
        starts_on: "2027-04-01",
        ends_on: "2027-12-31",
        target_group: "铁西、于洪工业园区小微机械加工企业职工",
        planned: "5000",
        background: "小微企业不能自行申报，但其职工工伤风险高、预防意识弱。",
        content: "通过政府采购选定服务机构，在两个工业园区开展 20 场宣传活动，发放警示标识和口袋书。",
        safeguards: "市应急管理局负责采购和监督，市人社局参与验收。",
        lines: &[(1, "宣传活动组织", "场", "3500", "20"), (1, "警示标识及口袋书", "套", "12", "5000")],
        targets: PUBLICITY_TARGETS,
        milestones: &[("2027-06-30", "完成政府采购"), ("2027-12-15", "完成全部宣传活动")],
        documents: true,
        steps: &[
            Step::Submit("demo_sy_hrss", "2026-11-19 14:00"),
            Step::Pass("demo_sy_hrss_2", "2026-11-26 09:30", "同意提交专家评审。"),
        ],
    },
    Application {
        region: "210100",
        org: Some(2),
        department: None,
        entered: "2026-11-25 16:20",
        name: "焊接作业职业危害与工伤预防微课开发",
        project_type: "training",
        industry: "province:machinery",
        mode: "own",
        starts_on: "2027-05-01",
        ends_on: "2027-12-31",
        target_group: "焊工",
        planned: "",
        background: "",
        content: "拟开发 20 节微课。",
        safeguards: "",
        lines: &[(1, "微课制作", "节", "3000", "20"), (1, "平台运维", "月", "", "")],
        targets: &[(1, "output.quantity", "微课节数", "ge", "20", "节")],
        milestones: &[],
        documents: false,
        steps: &[],
    },
    Application {
        region: "210100",
        org: Some(0),
        department: None,
        entered: "2026-11-27 09:10",
        name: "",
        project_type: "",
        industry: "",
        mode: "",
        starts_on: "",
        ends_on: "",
        target_group: "",
        planned: "",
        background: "",
        content: "",
        safeguards: "",
        lines: &[],
        targets: &[],
        milestones: &[],
        documents: false,
        steps: &[],
    },
    Application {
        region: "210200",
        org: Some(5),
        department: None,
        entered: "2026-11-12 10:00",
        name: "港口装卸作业人员工伤预防培训",
        project_type: "training",
        industry: "province:transport",
        mode: "commissioned",
        starts_on: "2027-03-01",
        ends_on: "2027-12-31",
        target_group: "大连港区装卸、理货、拖车作业人员",
        planned: "2000",
        background: "港口装卸环节的挤压、碰撞事故占全市交通运输业工伤的 40% 以上。",
        content: "在大窑湾、和尚岛港区设立两个培训点，开展 40 期现场培训，每期 50 人。",
        safeguards: "协会与港口企业联合成立工作专班，按月通报进度。",
        lines: &[
            (1, "培训组织费", "期", "6000", "40"),
            (1, "安全警示视频制作", "部", "30000", "2"),
            (1, "培训手册", "册", "25", "2000"),
        ],
        targets: TRAINING_TARGETS,
        milestones: &[("2027-06-30", "完成 20 期培训"), ("2027-12-20", "完成全部培训")],
        documents: true,
        steps: &[
            Step::Submit("demo_dl_hrss", "2026-11-18 15:00"),
            Step::Pass("demo_dl_hrss_2", "2026-11-25 10:40", "同意提交专家评审。"),
        ],
    },
    Application {
        region: "210200",
        org: Some(6),
        department: None,
        entered: "2026-11-13 14:30",
        name: "炼化装置检维修作业风险辨识培训",
        project_type: "training",
        industry: "province:hazardous_chemicals",
        mode: "own",
        starts_on: "2027-04-01",
        ends_on: "2027-12-31",
        target_group: "炼化企业检维修作业人员及承包商",
        planned: "900",
        background: "检维修作业是炼化企业事故高发环节。",
        content: "开发检维修作业风险辨识课程，开展 15 期培训并组织应急演练。",
        safeguards: "公司 HSE 部门负责实施。",
        lines: &[(1, "课程开发", "项", "50000", "1"), (1, "培训组织费", "期", "8000", "15")],
        targets: TRAINING_TARGETS,
        milestones: &[("2027-12-15", "完成全部培训和演练")],
        documents: true,
        steps: &[
            Step::Submit("demo_dl_hrss", "2026-11-20 09:20"),
            Step::Return("demo_dl_hrss_2", "2026-11-27 16:10", "请补充承包商人员的参训安排和考核方式。"),
        ],
    },
    Application {
        region: "210200",
        org: Some(7),
        department: None,
        entered: "2026-11-16 11:00",
        name: "建筑工地“安全第一课”宣传活动",
        project_type: "publicity",
        industry: "province:construction",
        mode: "own",
        starts_on: "2027-03-15",
        ends_on: "2027-11-30",
        target_group: "新入场建筑工人",
        planned: "6000",
        background: "新入场工人事故占比高。",
        content: "在 30 个在建项目开展入场安全第一课。",
        safeguards: "集团安全部组织实施。",
        lines: &[(1, "宣传活动组织", "场", "2500", "30"), (1, "宣传展板", "块", "300", "60")],
        targets: PUBLICITY_TARGETS,
        milestones: &[("2027-11-15", "完成全部宣传活动")],
        documents: true,
        steps: &[Step::Submit("demo_dl_hrss", "2026-11-26 14:50")],
    },
    Application {
        region: "210200",
        org: Some(5),
        department: None,
        entered: "2026-11-28 09:40",
        name: "冷链仓储企业叉车作业安全培训",
        project_type: "training",
        industry: "province:transport",
        mode: "",
        starts_on: "2027-04-01",
        ends_on: "",
        target_group: "冷链仓储企业叉车司机",
        planned: "600",
        background: "",
        content: "",
        safeguards: "",
        lines: &[(1, "培训组织费", "期", "5000", "12")],
        targets: &[],
        milestones: &[],
        documents: false,
        steps: &[],
    },
];

/// The key industries of a round's region in the cycle of its year, by which the demo names an
/// application's key industry (as the pages do).
async fn industries_of(owner: &PgPool, round: &Round) -> anyhow::Result<Vec<KeyIndustry>> {
    let cycles = crate::cycles::store::list(owner).await?;
    let cycle = cycles.iter().find(|c| c.contains_year(i32::from(round.year))).context("演示批次所在周期")?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let industries = crate::key_industries::store::of_region(&mut tx, round.region.id, cycle.id).await?;
    tx.commit().await?;
    Ok(industries)
}

fn token() -> anyhow::Result<FormToken> {
    Ok(FormToken::parse(&new_token())?)
}

fn id_in(done: Done) -> anyhow::Result<i64> {
    let (Done::Now(url) | Done::Before(url)) = done;
    url.trim_end_matches("/edit").rsplit('/').next().and_then(|id| id.parse().ok()).context("演示记录编号")
}

fn date(text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").context("演示日期")
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let mut rounds: Vec<(&'static str, Round)> = Vec::new();
    for story in ROUNDS {
        rounds.push((story.region, seed_round(owner, story).await?));
    }
    let mut orgs: Vec<ApplicantId> = Vec::new();
    for org in ORGS {
        orgs.push(seed_org(owner, org).await?);
    }
    for app in APPLICATIONS {
        let (_, round) = rounds.iter().find(|(r, _)| *r == app.region).context("演示批次")?;
        let story = ROUNDS.iter().find(|s| s.region == app.region).context("演示批次")?;
        seed_application(owner, app, round, story, &orgs).await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'projects')").execute(owner).await?;
    Ok(())
}

pub(super) async fn seed_round(owner: &PgPool, story: &RoundStory) -> anyhow::Result<Round> {
    let region = regions::store::find_by_code(owner, story.region).await?.context("演示地区")?;
    let keeper = account(owner, story.keeper).await?;
    let form = RoundForm {
        title: story.title.into(),
        opens_on: story.opens_on.into(),
        closes_on: story.closes_on.into(),
        key_industry: story.industries.iter().map(|k| k.to_string()).collect(),
        target_groups: story.target_groups.into(),
        guide: story.guide.into(),
        ..RoundForm::new_for(story.year)
    };
    let allowed: Vec<String> = story.industries.iter().map(|k| k.to_string()).collect();
    let (input, _) = form.parse(&allowed).map_err(|e| anyhow::anyhow!("演示批次无效：{e:?}"))?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let by = By { account: keeper.0, name: &keeper.1 };
    let done = crate::project_rounds::store::create(&mut tx, &demo_context(), &by, &token()?, &region, &input).await?;
    let id = RoundId(id_in(done)?);
    sqlx::query!(
        "UPDATE project_rounds SET created_at = $2, updated_at = $2 WHERE id = $1",
        id.0,
        shanghai(story.created)?
    )
    .execute(&mut *tx)
    .await?;
    let round = crate::project_rounds::store::find(&mut tx, id).await?.context("演示批次")?;
    tx.commit().await?;
    Ok(round)
}

async fn seed_org(owner: &PgPool, org: &Org) -> anyhow::Result<ApplicantId> {
    let region = regions::store::find_by_code(owner, org.region).await?.context("演示地区")?;
    let divisions = crate::industries::store::divisions(&mut *owner.acquire().await?).await?;
    let code = crate::values::CreditCode::completing(org.body).context("演示信用代码")?;
    let form = ApplicantForm {
        credit_code: code.as_str().to_string(),
        name: org.name.into(),
        unit_type: org.unit_type.into(),
        division: org.division.into(),
        address: org.address.into(),
        legal_representative: org.legal.into(),
        contact_person: org.contact.into(),
        contact_phone: org.phone.into(),
        ..ApplicantForm::default()
    };
    let mut tx = db::begin(owner, PROVINCE).await?;
    let registered = crate::applicants::store::registered(&mut tx, region.id, code.as_str()).await?;
    let (input, _) = form
        .parse(&divisions, registered.map(|(_, size)| size))
        .map_err(|e| anyhow::anyhow!("演示申报单位无效：{e:?}"))?;
    let keeper = account(owner, if org.region == "210100" { "demo_sy_hrss" } else { "demo_dl_hrss" }).await?;
    let by = By { account: keeper.0, name: &keeper.1 };
    let done = crate::applicants::store::create(
        &mut tx,
        &demo_context(),
        &by,
        &token()?,
        &region,
        &input,
        registered.map(|(id, _)| id),
    )
    .await?;
    tx.commit().await?;
    Ok(ApplicantId(id_in(done)?))
}

/// The application's form as its writer filled it in.
fn form_of(app: &Application, version: i32) -> ProjectForm {
    let s = |v: &str| v.to_string();
    ProjectForm {
        name: s(app.name),
        project_type: s(app.project_type),
        key_industry: s(app.industry),
        implementation_mode: s(app.mode),
        starts_on: s(app.starts_on),
        ends_on: s(app.ends_on),
        target_group: s(app.target_group),
        planned_count: s(app.planned),
        background: s(app.background),
        content: s(app.content),
        safeguards: s(app.safeguards),
        line_id: app.lines.iter().map(|_| String::new()).collect(),
        line_year: app.lines.iter().map(|l| l.0.to_string()).collect(),
        line_item: app.lines.iter().map(|l| s(l.1)).collect(),
        line_unit: app.lines.iter().map(|l| s(l.2)).collect(),
        line_price: app.lines.iter().map(|l| s(l.3)).collect(),
        line_quantity: app.lines.iter().map(|l| s(l.4)).collect(),
        indicator_id: app.targets.iter().map(|_| String::new()).collect(),
        indicator_year: app.targets.iter().map(|t| t.0.to_string()).collect(),
        indicator_kind: app.targets.iter().map(|t| s(t.1)).collect(),
        indicator_name: app.targets.iter().map(|t| s(t.2)).collect(),
        indicator_comparison: app.targets.iter().map(|t| s(t.3)).collect(),
        indicator_value: app.targets.iter().map(|t| s(t.4)).collect(),
        indicator_unit: app.targets.iter().map(|t| s(t.5)).collect(),
        milestone_id: app.milestones.iter().map(|_| String::new()).collect(),
        milestone_due: app.milestones.iter().map(|m| s(m.0)).collect(),
        milestone_description: app.milestones.iter().map(|m| s(m.1)).collect(),
        version: version.to_string(),
        add_row: String::new(),
    }
}

pub(super) async fn seed_application(
    owner: &PgPool,
    app: &Application,
    round: &Round,
    story: &RoundStory,
    orgs: &[ApplicantId],
) -> anyhow::Result<()> {
    let keeper = account(owner, story.keeper).await?;
    let applicant = match app.org {
        Some(i) => Some(*orgs.get(i).context("演示申报单位")?),
        None => None,
    };
    let mut tx = db::begin(owner, PROVINCE).await?;
    let by = By { account: keeper.0, name: &keeper.1 };
    let done =
        crate::projects::store::create(&mut tx, &demo_context(), &by, &token()?, round, applicant, app.department)
            .await?;
    let id = ProjectId(id_in(done)?);
    let entered = shanghai(app.entered)?;
    sqlx::query!("UPDATE projects SET created_at = $2 WHERE id = $1", id.0, entered).execute(&mut *tx).await?;
    tx.commit().await?;
    save(owner, id, &form_of(app, 1), round).await?;
    if app.documents {
        attach_documents(owner, id, round, &keeper, entered).await?;
    }
    let mut form = form_of(app, 0);
    for step in app.steps {
        match step {
            Step::Submit(who, when) => {
                transition(owner, id, round, app.industry, ProjectAction::Submit, who, when, "").await?
            }
            Step::Return(who, when, comment) => {
                transition(owner, id, round, app.industry, ProjectAction::Return, who, when, comment).await?
            }
            Step::Pass(who, when, comment) => {
                transition(owner, id, round, app.industry, ProjectAction::Pass, who, when, comment).await?
            }
            Step::Reject(who, when, comment) => {
                transition(owner, id, round, app.industry, ProjectAction::Reject, who, when, comment).await?
            }
            Step::Reprice(item, price) => {
                for (i, line) in form.line_item.iter().enumerate() {
                    if line == item
                        && let Some(p) = form.line_price.get_mut(i)
                    {
                        *p = price.to_string();
                    }
                }
                save(owner, id, &form, round).await?;
            }
        }
    }
    let mut tx = db::begin(owner, PROVINCE).await?;
    sqlx::query!(
        "UPDATE projects SET updated_at = coalesce(
             (SELECT max(occurred_at) FROM workflow_history WHERE record_kind = 'project' AND record_id = $1), $2)
         WHERE id = $1",
        id.0,
        entered
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the form over the application as it now stands (its row ids kept, so a resubmission
/// compares line by line).
async fn save(owner: &PgPool, id: ProjectId, form: &ProjectForm, round: &Round) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示申报")?;
    let mut form = form.clone();
    form.version = project.version.to_string();
    if !project.lines.is_empty() && project.lines.len() == form.line_item.len() {
        form.line_id = project.lines.iter().map(|l| l.id.to_string()).collect();
        form.indicator_id = project.indicators.iter().map(|i| i.id.to_string()).collect();
        form.milestone_id = project.milestones.iter().map(|m| m.id.to_string()).collect();
    }
    let (input, version) = form.parse(&round.key_industries).map_err(|e| anyhow::anyhow!("演示申报书无效：{e:?}"))?;
    let industries = industries_of(owner, round).await?;
    let names = |r: Option<&str>| industry_name(&industries, r);
    crate::projects::store::update(&mut tx, &demo_context(), &project, version, &input, &names).await?;
    tx.commit().await?;
    Ok(())
}

/// The round's required documents and a signed form, uploaded by the keeper when entered.
async fn attach_documents(
    owner: &PgPool,
    id: ProjectId,
    round: &Round,
    keeper: &(AccountId, String),
    when: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示申报")?;
    let ctx = demo_context();
    let by = attachments::store::Actor { ctx: &ctx, account: keeper.0, name: &keeper.1 };
    for kind in round.kinds().into_iter().filter(|k| k.required || k.key == "signed_form") {
        let title = format!("{}—{}", project.title(), kind.label);
        let pdf = samples::document(&[title.as_str(), "（演示文件）"]);
        let file = Received::from_bytes(kind, &format!("{}.pdf", kind.label), &pdf)
            .map_err(|e| anyhow::anyhow!("演示附件：{e}"))?;
        let file = attachments::store::attach(&mut tx, &project.owner(), project.status.as_str(), file, &by).await?;
        sqlx::query!("UPDATE attachments SET uploaded_at = $2 WHERE id = $1", file.0, when).execute(&mut *tx).await?;
    }
    sqlx::query!(
        "UPDATE workflow_history SET occurred_at = $2 WHERE record_kind = 'project' AND record_id = $1 AND action = 'attach'",
        id.0,
        when
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a step as `who` on the day it happened (the round's window is checked against that
/// day), then dates the step back to `when`.
#[allow(clippy::too_many_arguments)]
async fn transition(
    owner: &PgPool,
    id: ProjectId,
    round: &Round,
    app_industry: &str,
    action: ProjectAction,
    who: &str,
    when: &str,
    comment: &str,
) -> anyhow::Result<()> {
    let (account_id, name) = account(owner, who).await?;
    let at = shanghai(when)?;
    let token = token()?;
    let request = TransitionRequest {
        by: By { account: account_id, name: &name },
        role: crate::org::Role::CityOfficer,
        token: &token,
        action,
        comment,
        round,
        today: date(&when[..10])?,
        key_industry_name: industry_name(&industries_of(owner, round).await?, Some(app_industry)),
    };
    let mut tx = db::begin(owner, PROVINCE).await?;
    crate::projects::store::transition(&mut tx, &demo_context(), id, &request).await.map_err(|e| match e {
        crate::workflow::TransitionError::Incomplete(p) => {
            anyhow::anyhow!("演示申报不完整：{}", p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；"))
        }
        other => anyhow::anyhow!("演示申报流转失败：{other:?}"),
    })?;
    sqlx::query!(
        "UPDATE workflow_history SET occurred_at = $3
         WHERE id = (SELECT max(id) FROM workflow_history WHERE record_kind = 'project' AND record_id = $1 AND action = $2)",
        id.0,
        action.as_str(),
        at
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE record_versions SET frozen_at = $2
         WHERE record_kind = 'project' AND record_id = $1 AND frozen_at > $2",
        id.0,
        at
    )
    .execute(&mut *tx)
    .await?;
    let submitted = action == ProjectAction::Submit;
    sqlx::query!(
        "UPDATE projects SET first_submitted_at = CASE WHEN $3 AND first_submitted_at > $2 THEN $2 ELSE first_submitted_at END,
                             last_submitted_at = CASE WHEN $3 THEN $2 ELSE last_submitted_at END,
                             decided_at = CASE WHEN $3 THEN decided_at ELSE $2 END
         WHERE id = $1",
        id.0,
        at,
        submitted
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
