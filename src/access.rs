//! Roles and their scopes: the one place that says who may do what.
//!
//! DOMAIN.md "Who uses the system" fixes how roles, department kinds and regions fit together;
//! [`resolve_assignment`] enforces that table wherever an account gets a role.

use crate::db::Scope;
use crate::org::{DepartmentKind, RegionId, RegionLevel, Role};

impl Role {
    /// The row-level-security scope of an account of this role in `region`.
    pub fn scope(self, region: Option<RegionId>) -> Scope {
        match (self, region) {
            (Role::ProvinceOfficer, Some(_)) => Scope::Province,
            (Role::CityOfficer | Role::PartnerOfficer | Role::AgencyOfficer, Some(id)) => Scope::Region(id),
            // Experts see only the projects whose panel they sit on, wherever they are.
            (Role::Expert, _) => Scope::Assigned,
            // Administrators never read region tables.
            _ => Scope::Nothing,
        }
    }
}

/// A function of the system a role may or may not use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Every officer: the cycles, the working-day calendar, key industries, plans.
    ViewReference,
    /// Province officers: the cycles and the working-day calendar.
    EditReference,
    /// City officers: their region's own key industries.
    KeepKeyIndustries,
    /// City officers (their city's plan) and province officers (the province's own): write and
    /// submit implementation plans.
    WritePlans,
    /// Province officers: file or return cities' plans, issue the province's, see the overview.
    ReviewPlans,
    /// City officers (their city's leading-group roster) and province officers (the province's
    /// own; mobiles of every region's): keep and report rosters, see mobiles in full.
    KeepRosters,
    /// Province officers: file or return rosters, export the overview.
    ReviewRosters,
    /// City officers (their city's) and province officers (the province's own): record joint
    /// meetings and their action items.
    KeepMeetings,
    /// Those who keep meetings, and partner officers for their own department's items: close
    /// action items.
    CloseActionItems,
    /// Province officers: the industry divisions' risk classes and the classes' base rates.
    EditIndustries,
    /// City and agency officers: their region's employers.
    KeepEmployers,
    /// City officers (their region's) and province officers (every region's): application
    /// rounds, applicants and project applications.
    ViewProjects,
    /// Those who view projects, and partner and agency officers for their region's approved
    /// projects only (from the publicity on): the list, the record, its documents, agreement,
    /// progress and acceptance.
    ReadApprovedProjects,
    /// City officers (their region's experts) and province officers (every region's): the expert
    /// pool, and asking for experts' accounts.
    KeepExperts,
    /// City officers (their region's) and province officers (省本级's own): keep rounds and
    /// applicants, enter, submit and pre-review applications.
    KeepProjects,
    /// Experts: the projects whose panel they sit on, and their own scoring sheets.
    ScoreProjects,
    /// Province officers: file (备案) the projects the regions approved, or return them.
    FileProjects,
    /// Province, city, agency and partner officers: a region's fee (the province every region's).
    ViewFee,
    /// City and agency officers (province officers for 省本级): the prior year's premium income.
    EnterFeeIncome,
    /// City officers (province officers for 省本级): draft, submit and adjust the budget.
    KeepFeeBudgets,
    /// Province officers: approve or return budgets, record raised rates.
    ApproveFeeBudgets,
    /// Agency officers: pay the fee to their region's projects.
    RecordPayments,
    /// Province, city, agency and partner officers: a region's training and coverage (the
    /// province every region's).
    ViewTraining,
    /// City and agency officers: their region's sessions, trainees and required people.
    KeepTraining,
    /// Province, city, agency and partner officers: the service organisations and the
    /// recommended list (others than the province: those on the list or serving their region).
    ViewOrganisations,
    /// Province officers: register organisations and keep the recommended list.
    KeepOrganisations,
    /// Province, city, agency and partner officers: a region's technical schools, publicity
    /// and warning-education bases (the province every region's).
    ViewPublicity,
    /// City officers: their region's technical schools, warning-education bases and every
    /// publicity event.
    KeepPublicity,
    /// City officers, and partner officers for their own department's: log publicity events.
    LogPublicity,
    /// Province, city, partner and agency officers: a region's joint inspections and findings
    /// (the province every region's).
    ViewInspections,
    /// City officers and partner officers: log inspections and findings in their region and follow
    /// up findings (a partner officer those of their own department).
    LogInspections,
    /// Province, city, partner and agency officers: the notices addressed to their region (the
    /// province every region's issued ones); mark them read.
    ViewNotices,
    /// Province officers (to any region) and city officers (to their own region's departments):
    /// write and issue notices, see their receipts.
    IssueNotices,
    /// Province, city, partner and agency officers: injury statistics and the accident rate
    /// against the cycle's target (the province every city's and the province-wide sums).
    ViewStatistics,
    /// City officers: their own region's injury statistics, entered or imported.
    KeepStatistics,
    /// Province, city and agency officers: rate tables, rule sets and evaluations (the province
    /// every region's, the others their region's).
    ViewRates,
    /// Province officers: the rate tables and the rule sets.
    KeepRates,
    /// Agency officers: their region's evaluations (inputs, runs, confirmation and override).
    EvaluateRates,
    /// Province, city, partner and agency officers: annual reports (the province every region's;
    /// partner and agency officers their region's once submitted, a rule of the report).
    ViewAnnualReports,
    /// City officers (their city's) and province officers (省本级's): write and submit the
    /// annual report.
    WriteAnnualReports,
    /// Province officers: accept or return reports, the year's overview and its export.
    ReviewAnnualReports,
    ViewDepartments,
    EditDepartments,
    /// The system administrator: accounts, dormant accounts, login log, sessions.
    ManageAccounts,
    /// The security administrator: roles.
    AssignRoles,
    /// The security administrator: password, lockout and session policy.
    SetPolicy,
    /// The auditor.
    ReadAuditLog,
}

impl Role {
    /// The one table of which role may use which function. Record-level limits (which
    /// department a partner may edit, say) live in the feature's rules.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            ViewReference | ViewDepartments | EditDepartments => {
                matches!(self, ProvinceOfficer | CityOfficer | PartnerOfficer | AgencyOfficer)
            }
            EditReference => self == ProvinceOfficer,
            KeepKeyIndustries => self == CityOfficer,
            WritePlans => matches!(self, CityOfficer | ProvinceOfficer),
            ReviewPlans => self == ProvinceOfficer,
            KeepRosters => matches!(self, CityOfficer | ProvinceOfficer),
            ReviewRosters => self == ProvinceOfficer,
            KeepMeetings => matches!(self, CityOfficer | ProvinceOfficer),
            CloseActionItems => matches!(self, CityOfficer | ProvinceOfficer | PartnerOfficer),
            EditIndustries => self == ProvinceOfficer,
            KeepEmployers => matches!(self, CityOfficer | AgencyOfficer),
            ViewProjects | KeepProjects | KeepExperts => matches!(self, CityOfficer | ProvinceOfficer),
            ReadApprovedProjects => matches!(self, CityOfficer | ProvinceOfficer | PartnerOfficer | AgencyOfficer),
            ScoreProjects => self == Expert,
            FileProjects => self == ProvinceOfficer,
            ViewFee => matches!(self, ProvinceOfficer | CityOfficer | AgencyOfficer | PartnerOfficer),
            EnterFeeIncome => matches!(self, ProvinceOfficer | CityOfficer | AgencyOfficer),
            KeepFeeBudgets => matches!(self, ProvinceOfficer | CityOfficer),
            ApproveFeeBudgets => self == ProvinceOfficer,
            RecordPayments => self == AgencyOfficer,
            ViewTraining => matches!(self, ProvinceOfficer | CityOfficer | AgencyOfficer | PartnerOfficer),
            KeepTraining => matches!(self, CityOfficer | AgencyOfficer),
            ViewOrganisations | ViewPublicity => {
                matches!(self, ProvinceOfficer | CityOfficer | AgencyOfficer | PartnerOfficer)
            }
            KeepOrganisations => self == ProvinceOfficer,
            KeepPublicity => self == CityOfficer,
            LogPublicity => matches!(self, CityOfficer | PartnerOfficer),
            ViewInspections => matches!(self, ProvinceOfficer | CityOfficer | PartnerOfficer | AgencyOfficer),
            LogInspections => matches!(self, CityOfficer | PartnerOfficer),
            ViewNotices => matches!(self, ProvinceOfficer | CityOfficer | PartnerOfficer | AgencyOfficer),
            IssueNotices => matches!(self, ProvinceOfficer | CityOfficer),
            ViewRates => matches!(self, ProvinceOfficer | CityOfficer | AgencyOfficer),
            KeepRates => self == ProvinceOfficer,
            EvaluateRates => self == AgencyOfficer,
            ViewStatistics => matches!(self, ProvinceOfficer | CityOfficer | PartnerOfficer | AgencyOfficer),
            KeepStatistics => self == CityOfficer,
            ViewAnnualReports => matches!(self, ProvinceOfficer | CityOfficer | PartnerOfficer | AgencyOfficer),
            WriteAnnualReports => matches!(self, CityOfficer | ProvinceOfficer),
            ReviewAnnualReports => self == ProvinceOfficer,
            ManageAccounts => self == SysAdmin,
            AssignRoles | SetPolicy => self == SecurityAdmin,
            ReadAuditLog => self == Auditor,
        }
    }
}

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in itself, health checks, assets).
    Public,
    /// The signed-in account's own pages (its password): reached even without a role, and
    /// while a password change is owed.
    Account,
    /// Any signed-in account with a role.
    SignedIn,
    /// A signed-in account whose role has the permission.
    Requires(Permission),
}

/// A route's declaration: method, path pattern as written in the router, and access.
#[derive(Clone, Copy, Debug)]
pub struct RouteRule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn rule(method: &'static str, path: &'static str, access: Access) -> RouteRule {
    RouteRule { method, path, access }
}

/// Every route of the application. A route missing here is refused for everyone (and logged),
/// so forgetting a declaration fails closed.
pub const ROUTES: &[RouteRule] = &[
    rule("GET", "/healthz", Access::Public),
    rule("GET", "/readyz", Access::Public),
    rule("GET", "/login", Access::Public),
    rule("POST", "/login", Access::Public),
    rule("POST", "/logout", Access::Account),
    rule("GET", "/account/password", Access::Account),
    rule("POST", "/account/password", Access::Account),
    rule("GET", "/account/totp", Access::Account),
    rule("POST", "/account/totp", Access::Account),
    rule("POST", "/account/totp/start", Access::Account),
    rule("GET", "/login/totp", Access::Account),
    rule("POST", "/login/totp", Access::Account),
    rule("GET", "/", Access::SignedIn),
    rule("GET", "/cycles", Access::Requires(Permission::ViewReference)),
    rule("GET", "/cycles/{year}", Access::Requires(Permission::ViewReference)),
    rule("GET", "/cycles/{year}/edit", Access::Requires(Permission::EditReference)),
    rule("POST", "/cycles/{year}/edit", Access::Requires(Permission::EditReference)),
    rule("GET", "/calendar", Access::Requires(Permission::ViewReference)),
    rule("GET", "/calendar/{year}/edit", Access::Requires(Permission::EditReference)),
    rule("POST", "/calendar/{year}/edit", Access::Requires(Permission::EditReference)),
    rule("GET", "/key-industries", Access::Requires(Permission::ViewReference)),
    rule("POST", "/key-industries", Access::Requires(Permission::KeepKeyIndustries)),
    rule("GET", "/key-industries/{id}/delete", Access::Requires(Permission::KeepKeyIndustries)),
    rule("POST", "/key-industries/{id}/delete", Access::Requires(Permission::KeepKeyIndustries)),
    rule("GET", "/plans", Access::Requires(Permission::ViewReference)),
    rule("POST", "/plans/new", Access::Requires(Permission::WritePlans)),
    rule("GET", "/plans/overview/export", Access::Requires(Permission::ReviewPlans)),
    rule("GET", "/plans/{id}", Access::Requires(Permission::ViewReference)),
    rule("GET", "/plans/{id}/edit", Access::Requires(Permission::WritePlans)),
    rule("POST", "/plans/{id}/edit", Access::Requires(Permission::WritePlans)),
    rule("POST", "/plans/{id}/transition", Access::Requires(Permission::WritePlans)),
    rule("GET", "/plans/{id}/compare", Access::Requires(Permission::ViewReference)),
    rule("GET", "/plans/{id}/print", Access::Requires(Permission::ViewReference)),
    rule("POST", "/plans/{id}/attachments", Access::Requires(Permission::WritePlans)),
    rule("GET", "/plans/{id}/attachments/{file}", Access::Requires(Permission::ViewReference)),
    rule("GET", "/plans/{id}/attachments/{file}/delete", Access::Requires(Permission::WritePlans)),
    rule("POST", "/plans/{id}/attachments/{file}/delete", Access::Requires(Permission::WritePlans)),
    rule("GET", "/rosters", Access::Requires(Permission::ViewReference)),
    rule("POST", "/rosters/new", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/rosters/overview/export", Access::Requires(Permission::ReviewRosters)),
    rule("GET", "/rosters/{id}", Access::Requires(Permission::ViewReference)),
    rule("POST", "/rosters/{id}/unmask", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/rosters/{id}/export", Access::Requires(Permission::ViewReference)),
    rule("GET", "/rosters/{id}/print", Access::Requires(Permission::ViewReference)),
    rule("POST", "/rosters/{id}/transition", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/rosters/{id}/compare", Access::Requires(Permission::ViewReference)),
    rule("GET", "/rosters/{id}/members/new", Access::Requires(Permission::KeepRosters)),
    rule("POST", "/rosters/{id}/members/new", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/rosters/{id}/members/{member}/edit", Access::Requires(Permission::KeepRosters)),
    rule("POST", "/rosters/{id}/members/{member}/edit", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/rosters/{id}/members/{member}/replace", Access::Requires(Permission::KeepRosters)),
    rule("POST", "/rosters/{id}/members/{member}/replace", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/rosters/{id}/members/{member}/end", Access::Requires(Permission::KeepRosters)),
    rule("POST", "/rosters/{id}/members/{member}/end", Access::Requires(Permission::KeepRosters)),
    rule("GET", "/meetings", Access::Requires(Permission::ViewReference)),
    rule("GET", "/meetings/export", Access::Requires(Permission::ViewReference)),
    rule("GET", "/meetings/new", Access::Requires(Permission::KeepMeetings)),
    rule("POST", "/meetings/new", Access::Requires(Permission::KeepMeetings)),
    rule("GET", "/meetings/{id}", Access::Requires(Permission::ViewReference)),
    rule("GET", "/meetings/{id}/edit", Access::Requires(Permission::KeepMeetings)),
    rule("POST", "/meetings/{id}/edit", Access::Requires(Permission::KeepMeetings)),
    rule("POST", "/meetings/{id}/items", Access::Requires(Permission::KeepMeetings)),
    rule("GET", "/meetings/{id}/items/{item}/edit", Access::Requires(Permission::KeepMeetings)),
    rule("POST", "/meetings/{id}/items/{item}/edit", Access::Requires(Permission::KeepMeetings)),
    rule("GET", "/meetings/{id}/items/{item}/close", Access::Requires(Permission::CloseActionItems)),
    rule("POST", "/meetings/{id}/items/{item}/close", Access::Requires(Permission::CloseActionItems)),
    rule("POST", "/meetings/{id}/attachments", Access::Requires(Permission::KeepMeetings)),
    rule("GET", "/meetings/{id}/attachments/{file}", Access::Requires(Permission::ViewReference)),
    rule("GET", "/meetings/{id}/attachments/{file}/delete", Access::Requires(Permission::KeepMeetings)),
    rule("POST", "/meetings/{id}/attachments/{file}/delete", Access::Requires(Permission::KeepMeetings)),
    rule("GET", "/action-items", Access::Requires(Permission::ViewReference)),
    rule("GET", "/action-items/export", Access::Requires(Permission::ViewReference)),
    rule("GET", "/industries", Access::Requires(Permission::ViewReference)),
    rule("GET", "/industries/{code}/edit", Access::Requires(Permission::EditIndustries)),
    rule("POST", "/industries/{code}/edit", Access::Requires(Permission::EditIndustries)),
    rule("GET", "/risk-classes/{class}/edit", Access::Requires(Permission::EditIndustries)),
    rule("POST", "/risk-classes/{class}/edit", Access::Requires(Permission::EditIndustries)),
    rule("GET", "/employers", Access::Requires(Permission::ViewReference)),
    rule("GET", "/employers/export", Access::Requires(Permission::ViewReference)),
    rule("GET", "/employers/new", Access::Requires(Permission::KeepEmployers)),
    rule("POST", "/employers/new", Access::Requires(Permission::KeepEmployers)),
    rule("GET", "/employers/import", Access::Requires(Permission::KeepEmployers)),
    rule("POST", "/employers/import", Access::Requires(Permission::KeepEmployers)),
    rule("GET", "/employers/import/template", Access::Requires(Permission::KeepEmployers)),
    rule("GET", "/employers/import/{job}", Access::Requires(Permission::KeepEmployers)),
    rule("GET", "/employers/import/{job}/errors", Access::Requires(Permission::KeepEmployers)),
    rule("GET", "/employers/{id}", Access::Requires(Permission::ViewReference)),
    rule("GET", "/employers/{id}/edit", Access::Requires(Permission::KeepEmployers)),
    rule("POST", "/employers/{id}/edit", Access::Requires(Permission::KeepEmployers)),
    rule("POST", "/employers/{id}/unmask", Access::Requires(Permission::ViewReference)),
    rule("GET", "/employers/{id}/training", Access::Requires(Permission::ViewTraining)),
    rule("POST", "/employers/{id}/training/required", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training", Access::Requires(Permission::ViewTraining)),
    rule("GET", "/training/new", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/new", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}", Access::Requires(Permission::ViewTraining)),
    rule("GET", "/training/sessions/{id}/edit", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/sessions/{id}/edit", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/delete", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/sessions/{id}/delete", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/sessions/{id}/trainees", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/trainees/{trainee}", Access::Requires(Permission::ViewTraining)),
    rule("POST", "/training/sessions/{id}/trainees/{trainee}/result", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/trainees/{trainee}/remove", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/sessions/{id}/trainees/{trainee}/remove", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/sessions/{id}/trainees/{trainee}/unmask", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/import", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/sessions/{id}/import", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/import/template", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/import/{job}", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/sessions/{id}/import/{job}/errors", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/required/import", Access::Requires(Permission::KeepTraining)),
    rule("POST", "/training/required/import", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/required/import/template", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/required/import/{job}", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/required/import/{job}/errors", Access::Requires(Permission::KeepTraining)),
    rule("GET", "/training/coverage", Access::Requires(Permission::ViewTraining)),
    rule("GET", "/training/coverage/export", Access::Requires(Permission::ViewTraining)),
    rule("GET", "/training/coverage/below", Access::Requires(Permission::ViewTraining)),
    rule("GET", "/training/coverage/below/export", Access::Requires(Permission::ViewTraining)),
    rule("GET", "/organisations", Access::Requires(Permission::ViewOrganisations)),
    rule("GET", "/organisations/export", Access::Requires(Permission::ViewOrganisations)),
    rule("GET", "/organisations/new", Access::Requires(Permission::KeepOrganisations)),
    rule("POST", "/organisations/new", Access::Requires(Permission::KeepOrganisations)),
    rule("GET", "/organisations/{id}", Access::Requires(Permission::ViewOrganisations)),
    rule("GET", "/organisations/{id}/edit", Access::Requires(Permission::KeepOrganisations)),
    rule("POST", "/organisations/{id}/edit", Access::Requires(Permission::KeepOrganisations)),
    rule("POST", "/organisations/{id}/listing", Access::Requires(Permission::KeepOrganisations)),
    rule("POST", "/organisations/{id}/qualifications", Access::Requires(Permission::KeepOrganisations)),
    rule(
        "GET",
        "/organisations/{id}/qualifications/{qualification}/delete",
        Access::Requires(Permission::KeepOrganisations),
    ),
    rule(
        "POST",
        "/organisations/{id}/qualifications/{qualification}/delete",
        Access::Requires(Permission::KeepOrganisations),
    ),
    rule("GET", "/schools", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/schools/export", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/schools/new", Access::Requires(Permission::KeepPublicity)),
    rule("POST", "/schools/new", Access::Requires(Permission::KeepPublicity)),
    rule("GET", "/schools/{id}/edit", Access::Requires(Permission::KeepPublicity)),
    rule("POST", "/schools/{id}/edit", Access::Requires(Permission::KeepPublicity)),
    rule("GET", "/schools/{id}/delete", Access::Requires(Permission::KeepPublicity)),
    rule("POST", "/schools/{id}/delete", Access::Requires(Permission::KeepPublicity)),
    rule("GET", "/publicity", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/publicity/counts", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/publicity/counts/export", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/publicity/new", Access::Requires(Permission::LogPublicity)),
    rule("POST", "/publicity/new", Access::Requires(Permission::LogPublicity)),
    rule("GET", "/publicity/{id}", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/publicity/{id}/edit", Access::Requires(Permission::LogPublicity)),
    rule("POST", "/publicity/{id}/edit", Access::Requires(Permission::LogPublicity)),
    rule("GET", "/publicity/{id}/delete", Access::Requires(Permission::LogPublicity)),
    rule("POST", "/publicity/{id}/delete", Access::Requires(Permission::LogPublicity)),
    rule("POST", "/publicity/{id}/attachments", Access::Requires(Permission::LogPublicity)),
    rule("GET", "/publicity/{id}/attachments/{file}", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/publicity/{id}/attachments/{file}/delete", Access::Requires(Permission::LogPublicity)),
    rule("POST", "/publicity/{id}/attachments/{file}/delete", Access::Requires(Permission::LogPublicity)),
    rule("GET", "/warning-bases", Access::Requires(Permission::ViewPublicity)),
    rule("GET", "/warning-bases/new", Access::Requires(Permission::KeepPublicity)),
    rule("POST", "/warning-bases/new", Access::Requires(Permission::KeepPublicity)),
    rule("GET", "/warning-bases/{id}/edit", Access::Requires(Permission::KeepPublicity)),
    rule("POST", "/warning-bases/{id}/edit", Access::Requires(Permission::KeepPublicity)),
    rule("GET", "/notices", Access::Requires(Permission::ViewNotices)),
    rule("GET", "/notices/new", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/new", Access::Requires(Permission::IssueNotices)),
    rule("GET", "/notices/{id}", Access::Requires(Permission::ViewNotices)),
    rule("GET", "/notices/{id}/edit", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/{id}/edit", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/{id}/issue", Access::Requires(Permission::IssueNotices)),
    rule("GET", "/notices/{id}/delete", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/{id}/delete", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/{id}/read", Access::Requires(Permission::ViewNotices)),
    rule("GET", "/notices/{id}/receipts", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/{id}/attachments", Access::Requires(Permission::IssueNotices)),
    rule("GET", "/notices/{id}/attachments/{file}", Access::Requires(Permission::ViewNotices)),
    rule("GET", "/notices/{id}/attachments/{file}/delete", Access::Requires(Permission::IssueNotices)),
    rule("POST", "/notices/{id}/attachments/{file}/delete", Access::Requires(Permission::IssueNotices)),
    rule("GET", "/statistics", Access::Requires(Permission::ViewStatistics)),
    rule("GET", "/statistics/export", Access::Requires(Permission::ViewStatistics)),
    rule("GET", "/statistics/province", Access::Requires(Permission::ViewStatistics)),
    rule("GET", "/statistics/regions/{code}", Access::Requires(Permission::ViewStatistics)),
    rule("GET", "/statistics/regions/{code}/{year}/edit", Access::Requires(Permission::KeepStatistics)),
    rule("POST", "/statistics/regions/{code}/{year}/edit", Access::Requires(Permission::KeepStatistics)),
    rule("GET", "/statistics/import", Access::Requires(Permission::KeepStatistics)),
    rule("POST", "/statistics/import", Access::Requires(Permission::KeepStatistics)),
    rule("GET", "/statistics/import/template", Access::Requires(Permission::KeepStatistics)),
    rule("GET", "/statistics/import/{job}", Access::Requires(Permission::KeepStatistics)),
    rule("GET", "/statistics/import/{job}/errors", Access::Requires(Permission::KeepStatistics)),
    rule("GET", "/rates/tables", Access::Requires(Permission::ViewRates)),
    rule("GET", "/rates/tables/{code}", Access::Requires(Permission::ViewRates)),
    rule("GET", "/rates/tables/{code}/new", Access::Requires(Permission::KeepRates)),
    rule("POST", "/rates/tables/{code}/new", Access::Requires(Permission::KeepRates)),
    rule("GET", "/rates/rules", Access::Requires(Permission::ViewRates)),
    rule("GET", "/rates/rules/new", Access::Requires(Permission::KeepRates)),
    rule("POST", "/rates/rules/new", Access::Requires(Permission::KeepRates)),
    rule("POST", "/rates/rules/copy", Access::Requires(Permission::KeepRates)),
    rule("GET", "/rates/rules/reset", Access::Requires(Permission::KeepRates)),
    rule("POST", "/rates/rules/reset", Access::Requires(Permission::KeepRates)),
    rule("GET", "/rates/rules/{id}/edit", Access::Requires(Permission::KeepRates)),
    rule("POST", "/rates/rules/{id}/edit", Access::Requires(Permission::KeepRates)),
    rule("GET", "/rates/rules/{id}/delete", Access::Requires(Permission::KeepRates)),
    rule("POST", "/rates/rules/{id}/delete", Access::Requires(Permission::KeepRates)),
    rule("GET", "/rates", Access::Requires(Permission::ViewRates)),
    rule("GET", "/rates/export", Access::Requires(Permission::ViewRates)),
    rule("POST", "/rates/run", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/rates/runs/{job}", Access::Requires(Permission::ViewRates)),
    rule("GET", "/rates/evaluations/new", Access::Requires(Permission::EvaluateRates)),
    rule("POST", "/rates/evaluations/new", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/rates/evaluations/{id}", Access::Requires(Permission::ViewRates)),
    rule("GET", "/rates/evaluations/{id}/edit", Access::Requires(Permission::EvaluateRates)),
    rule("POST", "/rates/evaluations/{id}/edit", Access::Requires(Permission::EvaluateRates)),
    rule("POST", "/rates/evaluations/{id}/evaluate", Access::Requires(Permission::EvaluateRates)),
    rule("POST", "/rates/evaluations/{id}/decide", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/rates/import", Access::Requires(Permission::EvaluateRates)),
    rule("POST", "/rates/import", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/rates/import/template", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/rates/import/{job}", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/rates/import/{job}/errors", Access::Requires(Permission::EvaluateRates)),
    rule("GET", "/annual-reports", Access::Requires(Permission::ViewAnnualReports)),
    rule("POST", "/annual-reports/new", Access::Requires(Permission::WriteAnnualReports)),
    rule("GET", "/annual-reports/overview/export", Access::Requires(Permission::ReviewAnnualReports)),
    rule("GET", "/annual-reports/{id}", Access::Requires(Permission::ViewAnnualReports)),
    rule("GET", "/annual-reports/{id}/edit", Access::Requires(Permission::WriteAnnualReports)),
    rule("POST", "/annual-reports/{id}/edit", Access::Requires(Permission::WriteAnnualReports)),
    rule("POST", "/annual-reports/{id}/transition", Access::Requires(Permission::WriteAnnualReports)),
    rule("GET", "/annual-reports/{id}/compare", Access::Requires(Permission::ViewAnnualReports)),
    rule("GET", "/annual-reports/{id}/print", Access::Requires(Permission::ViewAnnualReports)),
    rule("GET", "/annual-reports/{id}/export", Access::Requires(Permission::ViewAnnualReports)),
    rule("GET", "/employers/{id}/rates", Access::Requires(Permission::ViewRates)),
    rule("GET", "/inspections", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/inspections/new", Access::Requires(Permission::LogInspections)),
    rule("POST", "/inspections/new", Access::Requires(Permission::LogInspections)),
    rule("GET", "/inspections/{id}", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/inspections/{id}/edit", Access::Requires(Permission::LogInspections)),
    rule("POST", "/inspections/{id}/edit", Access::Requires(Permission::LogInspections)),
    rule("POST", "/inspections/{id}/findings", Access::Requires(Permission::LogInspections)),
    rule("POST", "/inspections/{id}/attachments", Access::Requires(Permission::LogInspections)),
    rule("GET", "/inspections/{id}/attachments/{file}", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/inspections/{id}/attachments/{file}/delete", Access::Requires(Permission::LogInspections)),
    rule("POST", "/inspections/{id}/attachments/{file}/delete", Access::Requires(Permission::LogInspections)),
    rule("GET", "/findings", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/findings/export", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/findings/{id}", Access::Requires(Permission::ViewInspections)),
    rule("POST", "/findings/{id}/follow-up", Access::Requires(Permission::LogInspections)),
    rule("POST", "/findings/{id}/attachments", Access::Requires(Permission::LogInspections)),
    rule("GET", "/findings/{id}/attachments/{file}", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/findings/{id}/attachments/{file}/delete", Access::Requires(Permission::LogInspections)),
    rule("POST", "/findings/{id}/attachments/{file}/delete", Access::Requires(Permission::LogInspections)),
    rule("GET", "/employers/{id}/inspections", Access::Requires(Permission::ViewInspections)),
    rule("GET", "/experts", Access::Requires(Permission::KeepExperts)),
    rule("GET", "/experts/new", Access::Requires(Permission::KeepExperts)),
    rule("POST", "/experts/new", Access::Requires(Permission::KeepExperts)),
    rule("GET", "/experts/{id}", Access::Requires(Permission::KeepExperts)),
    rule("GET", "/experts/{id}/edit", Access::Requires(Permission::KeepExperts)),
    rule("POST", "/experts/{id}/edit", Access::Requires(Permission::KeepExperts)),
    rule("POST", "/experts/{id}/request-account", Access::Requires(Permission::KeepExperts)),
    rule("GET", "/project-rounds", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/project-rounds/new", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/project-rounds/new", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/project-rounds/{id}", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/project-rounds/{id}/edit", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/project-rounds/{id}/edit", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/applicants", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/applicants/new", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/applicants/new", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/applicants/{id}", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/applicants/{id}/edit", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/applicants/{id}/edit", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects", Access::Requires(Permission::ReadApprovedProjects)),
    rule("GET", "/projects/export", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/projects/new", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/new", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}", Access::Requires(Permission::ReadApprovedProjects)),
    rule("GET", "/projects/{id}/edit", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/edit", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/transition", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/compare", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/projects/{id}/print", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/projects/{id}/print/text", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/projects/{id}/panel", Access::Requires(Permission::ViewProjects)),
    rule("POST", "/projects/{id}/panel/draw", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/panel/{expert}/replace", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/review", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/projects/{id}/review/print", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/projects/{id}/approval", Access::Requires(Permission::ViewProjects)),
    rule("POST", "/projects/{id}/approval/decide", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/approval/objections", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/approval/objections/{objection}/answer", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/approval/close", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/approval/filing", Access::Requires(Permission::FileProjects)),
    rule("GET", "/projects/{id}/agreement", Access::Requires(Permission::ReadApprovedProjects)),
    rule("POST", "/projects/{id}/agreement", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/agreement/attachments", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/agreement/attachments/{file}", Access::Requires(Permission::ReadApprovedProjects)),
    rule("GET", "/projects/{id}/agreement/attachments/{file}/delete", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/agreement/attachments/{file}/delete", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/agreement/sign", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/agreement/print", Access::Requires(Permission::ReadApprovedProjects)),
    rule("GET", "/projects/{id}/progress", Access::Requires(Permission::ReadApprovedProjects)),
    rule("POST", "/projects/{id}/progress", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/acceptance", Access::Requires(Permission::ReadApprovedProjects)),
    rule("POST", "/projects/{id}/acceptance/complete", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/acceptance/rectification", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/acceptance/conclude", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/acceptance/print", Access::Requires(Permission::ReadApprovedProjects)),
    rule("POST", "/projects/{id}/acceptance/attachments", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/acceptance/attachments/{file}", Access::Requires(Permission::ReadApprovedProjects)),
    rule("GET", "/projects/{id}/acceptance/attachments/{file}/delete", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/acceptance/attachments/{file}/delete", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/termination", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/termination", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/fee", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/overview", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/overview/export", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/trend", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/trend/export", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/records", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/budgets/{id}", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/budgets/{id}/compare", Access::Requires(Permission::ViewFee)),
    rule("GET", "/fee/records/export", Access::Requires(Permission::ViewFee)),
    rule("POST", "/fee/income", Access::Requires(Permission::EnterFeeIncome)),
    rule("POST", "/fee/rate", Access::Requires(Permission::ApproveFeeBudgets)),
    rule("POST", "/fee/budget", Access::Requires(Permission::KeepFeeBudgets)),
    rule("POST", "/fee/budget/transition", Access::Requires(Permission::KeepFeeBudgets)),
    rule("GET", "/projects/{id}/payments", Access::Requires(Permission::ViewFee)),
    rule("POST", "/projects/{id}/payments", Access::Requires(Permission::RecordPayments)),
    rule("GET", "/projects/{id}/payments/{payment}/print", Access::Requires(Permission::ViewFee)),
    rule("GET", "/supervision", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/supervision/export", Access::Requires(Permission::ViewProjects)),
    rule("GET", "/reviews", Access::Requires(Permission::ScoreProjects)),
    rule("GET", "/reviews/{id}", Access::Requires(Permission::ScoreProjects)),
    rule("POST", "/reviews/{id}", Access::Requires(Permission::ScoreProjects)),
    rule("GET", "/reviews/{id}/print", Access::Requires(Permission::ScoreProjects)),
    rule("GET", "/reviews/{id}/attachments/{file}", Access::Requires(Permission::ScoreProjects)),
    rule("POST", "/projects/{id}/attachments", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/projects/{id}/attachments/{file}", Access::Requires(Permission::ReadApprovedProjects)),
    rule("GET", "/projects/{id}/attachments/{file}/delete", Access::Requires(Permission::KeepProjects)),
    rule("POST", "/projects/{id}/attachments/{file}/delete", Access::Requires(Permission::KeepProjects)),
    rule("GET", "/departments", Access::Requires(Permission::ViewDepartments)),
    rule("GET", "/departments/{id}", Access::Requires(Permission::ViewDepartments)),
    rule("GET", "/departments/{id}/edit", Access::Requires(Permission::EditDepartments)),
    rule("POST", "/departments/{id}/edit", Access::Requires(Permission::EditDepartments)),
    rule("POST", "/departments/{id}/unmask", Access::Requires(Permission::ViewDepartments)),
    rule("GET", "/admin/accounts", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/accounts/new", Access::Requires(Permission::ManageAccounts)),
    rule("POST", "/admin/accounts/new", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/accounts/{id}", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/accounts/{id}/edit", Access::Requires(Permission::ManageAccounts)),
    rule("POST", "/admin/accounts/{id}/edit", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/accounts/{id}/disable", Access::Requires(Permission::ManageAccounts)),
    rule("POST", "/admin/accounts/{id}/disable", Access::Requires(Permission::ManageAccounts)),
    rule("POST", "/admin/accounts/{id}/unlock", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/accounts/{id}/reset-password", Access::Requires(Permission::ManageAccounts)),
    rule("POST", "/admin/accounts/{id}/reset-password", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/account-requests", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/dormant", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/login-log", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/sessions", Access::Requires(Permission::ManageAccounts)),
    rule("POST", "/admin/sessions/{handle}/end", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/security/roles", Access::Requires(Permission::AssignRoles)),
    rule("GET", "/security/roles/{id}", Access::Requires(Permission::AssignRoles)),
    rule("POST", "/security/roles/{id}", Access::Requires(Permission::AssignRoles)),
    rule("GET", "/security/policy", Access::Requires(Permission::SetPolicy)),
    rule("POST", "/security/policy", Access::Requires(Permission::SetPolicy)),
    rule("GET", "/audit", Access::Requires(Permission::ReadAuditLog)),
    rule("GET", "/audit/export", Access::Requires(Permission::ReadAuditLog)),
    rule("GET", "/audit/history", Access::Requires(Permission::ReadAuditLog)),
    rule("GET", "/admin/accounts/export", Access::Requires(Permission::ManageAccounts)),
    rule("GET", "/admin/login-log/export", Access::Requires(Permission::ManageAccounts)),
];

/// The declared access of a route; HEAD is treated as GET.
pub fn rule_for(method: &str, path: &str) -> Option<Access> {
    let method = if method == "HEAD" { "GET" } else { method };
    ROUTES.iter().find(|r| r.method == method && r.path == path).map(|r| r.access)
}

/// Who is asking: nobody signed in, an account without a role, or an account with one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requester {
    Anonymous,
    NoRole,
    Role(Role),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not signed in: go to the sign-in page.
    SignIn,
    /// Signed in, but the role lacks the function: 403.
    Deny,
}

pub fn decide(access: Access, who: Requester) -> Decision {
    match (access, who) {
        (Access::Public, _) => Decision::Allow,
        (_, Requester::Anonymous) => Decision::SignIn,
        (Access::Account, _) => Decision::Allow,
        (Access::SignedIn, Requester::Role(_)) => Decision::Allow,
        (Access::Requires(p), Requester::Role(role)) if role.may(p) => Decision::Allow,
        (Access::SignedIn | Access::Requires(_), _) => Decision::Deny,
    }
}

/// What a signed-in account still owes before it may use the system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Owed {
    /// The password was right; the TOTP code is still to come.
    pub second_factor: bool,
    /// An initial, reset or expired password.
    pub password_change: bool,
    /// The role needs a second factor that is not enrolled yet.
    pub totp_enrolment: bool,
}

/// Where an account that owes something must go first, if `path` is not on the way there.
/// Sign-out is always allowed.
pub fn detour(owed: Owed, path: &str) -> Option<&'static str> {
    let (target, allowed): (&'static str, &[&str]) = if owed.second_factor {
        ("/login/totp", &["/login/totp"])
    } else if owed.password_change {
        ("/account/password", &["/account/password"])
    } else if owed.totp_enrolment {
        ("/account/totp", &["/account/totp", "/account/totp/start", "/account/password"])
    } else {
        return None;
    };
    (path != "/logout" && !allowed.contains(&path)).then_some(target)
}

/// An entry of the left menu, shown to those who may use its page.
#[derive(Clone, Copy, Debug)]
pub struct MenuItem {
    pub label: &'static str,
    pub href: &'static str,
    pub access: Access,
}

pub const MENU: &[MenuItem] = &[
    MenuItem { label: "工作台", href: "/", access: Access::SignedIn },
    MenuItem { label: "通知通报", href: "/notices", access: Access::Requires(Permission::ViewNotices) },
    MenuItem { label: "实施方案", href: "/plans", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "领导小组", href: "/rosters", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "联席会议", href: "/meetings", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "用人单位", href: "/employers", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "项目申报", href: "/projects", access: Access::Requires(Permission::ReadApprovedProjects) },
    MenuItem { label: "项目监管", href: "/supervision", access: Access::Requires(Permission::ViewProjects) },
    MenuItem { label: "工伤预防费", href: "/fee", access: Access::Requires(Permission::ViewFee) },
    MenuItem { label: "重点岗位培训", href: "/training", access: Access::Requires(Permission::ViewTraining) },
    MenuItem { label: "联合检查", href: "/inspections", access: Access::Requires(Permission::ViewInspections) },
    MenuItem { label: "限期整改", href: "/findings", access: Access::Requires(Permission::ViewInspections) },
    MenuItem { label: "浮动费率", href: "/rates", access: Access::Requires(Permission::ViewRates) },
    MenuItem { label: "服务机构", href: "/organisations", access: Access::Requires(Permission::ViewOrganisations) },
    MenuItem { label: "宣传活动", href: "/publicity", access: Access::Requires(Permission::ViewPublicity) },
    MenuItem { label: "技工院校", href: "/schools", access: Access::Requires(Permission::ViewPublicity) },
    MenuItem { label: "工伤统计", href: "/statistics", access: Access::Requires(Permission::ViewStatistics) },
    MenuItem {
        label: "年度报告", href: "/annual-reports", access: Access::Requires(Permission::ViewAnnualReports)
    },
    MenuItem { label: "申报批次", href: "/project-rounds", access: Access::Requires(Permission::ViewProjects) },
    MenuItem { label: "申报单位", href: "/applicants", access: Access::Requires(Permission::ViewProjects) },
    MenuItem { label: "专家库", href: "/experts", access: Access::Requires(Permission::KeepExperts) },
    MenuItem { label: "我的评审", href: "/reviews", access: Access::Requires(Permission::ScoreProjects) },
    MenuItem { label: "成员单位", href: "/departments", access: Access::Requires(Permission::ViewDepartments) },
    MenuItem { label: "行动计划周期", href: "/cycles", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "重点行业", href: "/key-industries", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "行业风险类别", href: "/industries", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "工作日历", href: "/calendar", access: Access::Requires(Permission::ViewReference) },
    MenuItem { label: "账号管理", href: "/admin/accounts", access: Access::Requires(Permission::ManageAccounts) },
    MenuItem {
        label: "账号申请",
        href: "/admin/account-requests",
        access: Access::Requires(Permission::ManageAccounts),
    },
    MenuItem { label: "休眠账号", href: "/admin/dormant", access: Access::Requires(Permission::ManageAccounts) },
    MenuItem { label: "登录日志", href: "/admin/login-log", access: Access::Requires(Permission::ManageAccounts) },
    MenuItem { label: "在线会话", href: "/admin/sessions", access: Access::Requires(Permission::ManageAccounts) },
    MenuItem { label: "角色分配", href: "/security/roles", access: Access::Requires(Permission::AssignRoles) },
    MenuItem { label: "安全策略", href: "/security/policy", access: Access::Requires(Permission::SetPolicy) },
    MenuItem { label: "审计日志", href: "/audit", access: Access::Requires(Permission::ReadAuditLog) },
    MenuItem { label: "修改密码", href: "/account/password", access: Access::Account },
    MenuItem { label: "双因素认证", href: "/account/totp", access: Access::Account },
];

/// The menu entries `who` may use.
pub fn menu_for(who: Requester) -> impl Iterator<Item = &'static MenuItem> {
    MENU.iter().filter(move |m| decide(m.access, who) == Decision::Allow)
}

/// Why a role cannot be given with that region and department. The message is shown to the
/// operator or administrator as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    #[error("角色「{0}」必须指定所属地区")]
    RegionRequired(Role),
    #[error("角色「{0}」只能属于省本级")]
    RegionMustBeProvince(Role),
    #[error("角色「{0}」只能属于地级市")]
    RegionMustBeCity(Role),
    #[error("角色「{0}」不属于任何地区")]
    RegionNotAllowed(Role),
    #[error("角色「{0}」必须指定所属部门")]
    DepartmentRequired(Role),
    #[error("角色「{role}」的部门只能是「{expected}」")]
    DepartmentMustBe { role: Role, expected: &'static str },
    #[error("角色「{0}」的部门必须是联防联控机制的成员单位")]
    DepartmentMustBePartner(Role),
    #[error("角色「{0}」不属于任何部门")]
    DepartmentNotAllowed(Role),
}

/// Checks a role against the region level and department kind it is given, and returns the
/// department kind the account holds (implied for roles that have only one).
pub fn resolve_assignment(
    role: Role,
    region: Option<RegionLevel>,
    department: Option<DepartmentKind>,
) -> Result<Option<DepartmentKind>, AssignmentError> {
    use AssignmentError::*;
    match role {
        Role::ProvinceOfficer => {
            require_region(role, region, Some(RegionLevel::Province))?;
            fixed_department(role, department, DepartmentKind::Hrss)
        }
        Role::CityOfficer => {
            require_region(role, region, Some(RegionLevel::City))?;
            fixed_department(role, department, DepartmentKind::Hrss)
        }
        Role::AgencyOfficer => {
            require_region(role, region, None)?;
            fixed_department(role, department, DepartmentKind::SocialInsurance)
        }
        Role::PartnerOfficer => {
            require_region(role, region, None)?;
            match department {
                None => Err(DepartmentRequired(role)),
                Some(kind) if kind.is_partner() => Ok(Some(kind)),
                Some(_) => Err(DepartmentMustBePartner(role)),
            }
        }
        Role::Expert => match department {
            Some(_) => Err(DepartmentNotAllowed(role)),
            None => Ok(None),
        },
        Role::SysAdmin | Role::SecurityAdmin | Role::Auditor => {
            if region.is_some() {
                Err(RegionNotAllowed(role))
            } else if department.is_some() {
                Err(DepartmentNotAllowed(role))
            } else {
                Ok(None)
            }
        }
    }
}

fn require_region(role: Role, region: Option<RegionLevel>, level: Option<RegionLevel>) -> Result<(), AssignmentError> {
    match (region, level) {
        (None, _) => Err(AssignmentError::RegionRequired(role)),
        (Some(RegionLevel::City), Some(RegionLevel::Province)) => Err(AssignmentError::RegionMustBeProvince(role)),
        (Some(RegionLevel::Province), Some(RegionLevel::City)) => Err(AssignmentError::RegionMustBeCity(role)),
        _ => Ok(()),
    }
}

fn fixed_department(
    role: Role,
    department: Option<DepartmentKind>,
    expected: DepartmentKind,
) -> Result<Option<DepartmentKind>, AssignmentError> {
    match department {
        None => Ok(Some(expected)),
        Some(kind) if kind == expected => Ok(Some(kind)),
        Some(_) => Err(AssignmentError::DepartmentMustBe { role, expected: expected.label() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DepartmentKind as D;
    use RegionLevel::{City, Province};

    #[test]
    fn the_domain_table_is_enforced() {
        use AssignmentError::*;
        let cases: &[(Role, Option<RegionLevel>, Option<D>, Result<Option<D>, AssignmentError>)] = &[
            (Role::ProvinceOfficer, Some(Province), None, Ok(Some(D::Hrss))),
            (Role::ProvinceOfficer, Some(City), None, Err(RegionMustBeProvince(Role::ProvinceOfficer))),
            (Role::ProvinceOfficer, None, None, Err(RegionRequired(Role::ProvinceOfficer))),
            (
                Role::ProvinceOfficer,
                Some(Province),
                Some(D::Finance),
                Err(DepartmentMustBe { role: Role::ProvinceOfficer, expected: D::Hrss.label() }),
            ),
            (Role::CityOfficer, Some(City), Some(D::Hrss), Ok(Some(D::Hrss))),
            (Role::CityOfficer, Some(Province), None, Err(RegionMustBeCity(Role::CityOfficer))),
            (Role::PartnerOfficer, Some(City), Some(D::Emergency), Ok(Some(D::Emergency))),
            (Role::PartnerOfficer, Some(Province), Some(D::MarketRegulation), Ok(Some(D::MarketRegulation))),
            (Role::PartnerOfficer, Some(City), None, Err(DepartmentRequired(Role::PartnerOfficer))),
            (Role::PartnerOfficer, Some(City), Some(D::Hrss), Err(DepartmentMustBePartner(Role::PartnerOfficer))),
            (
                Role::PartnerOfficer,
                Some(City),
                Some(D::SocialInsurance),
                Err(DepartmentMustBePartner(Role::PartnerOfficer)),
            ),
            (Role::PartnerOfficer, None, Some(D::Health), Err(RegionRequired(Role::PartnerOfficer))),
            (Role::AgencyOfficer, Some(City), None, Ok(Some(D::SocialInsurance))),
            (Role::AgencyOfficer, Some(Province), Some(D::SocialInsurance), Ok(Some(D::SocialInsurance))),
            (Role::Expert, None, None, Ok(None)),
            (Role::Expert, Some(City), None, Ok(None)),
            (Role::Expert, Some(City), Some(D::Health), Err(DepartmentNotAllowed(Role::Expert))),
            (Role::SysAdmin, None, None, Ok(None)),
            (Role::Auditor, Some(Province), None, Err(RegionNotAllowed(Role::Auditor))),
            (Role::SecurityAdmin, None, Some(D::Hrss), Err(DepartmentNotAllowed(Role::SecurityAdmin))),
        ];
        for (role, region, department, expected) in cases {
            assert_eq!(
                &resolve_assignment(*role, *region, *department),
                expected,
                "{role:?} {region:?} {department:?}"
            );
        }
    }

    #[test]
    fn scopes_follow_the_role() {
        let city = Some(RegionId(2));
        assert_eq!(Role::ProvinceOfficer.scope(Some(RegionId(1))), Scope::Province);
        assert_eq!(Role::CityOfficer.scope(city), Scope::Region(RegionId(2)));
        assert_eq!(Role::PartnerOfficer.scope(city), Scope::Region(RegionId(2)));
        assert_eq!(Role::AgencyOfficer.scope(city), Scope::Region(RegionId(2)));
        assert_eq!(Role::CityOfficer.scope(None), Scope::Nothing);
        assert_eq!(Role::Expert.scope(city), Scope::Assigned);
        assert_eq!(Role::Expert.scope(None), Scope::Assigned);
        assert_eq!(Role::SysAdmin.scope(None), Scope::Nothing);
    }

    #[test]
    fn every_route_is_declared_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{} {} declared twice", a.method, a.path);
            }
        }
        assert_eq!(rule_for("HEAD", "/departments"), Some(Access::Requires(Permission::ViewDepartments)));
        assert_eq!(rule_for("DELETE", "/departments"), None);
    }

    #[test]
    fn what_is_owed_comes_first() {
        let pending = Owed { second_factor: true, password_change: true, totp_enrolment: true };
        assert_eq!(detour(pending, "/departments"), Some("/login/totp"));
        assert_eq!(detour(pending, "/account/password"), Some("/login/totp"), "the code comes before anything");
        assert_eq!(detour(pending, "/login/totp"), None);
        assert_eq!(detour(pending, "/logout"), None);
        let change = Owed { password_change: true, totp_enrolment: true, ..Owed::default() };
        assert_eq!(detour(change, "/account/totp"), Some("/account/password"));
        assert_eq!(detour(change, "/account/password"), None);
        let enrol = Owed { totp_enrolment: true, ..Owed::default() };
        assert_eq!(detour(enrol, "/"), Some("/account/totp"));
        assert_eq!(detour(enrol, "/account/password"), None);
        assert_eq!(detour(Owed::default(), "/departments"), None);
    }

    #[test]
    fn decisions() {
        let view = Access::Requires(Permission::ViewDepartments);
        assert_eq!(decide(Access::Public, Requester::Anonymous), Decision::Allow);
        assert_eq!(decide(Access::SignedIn, Requester::Anonymous), Decision::SignIn);
        assert_eq!(decide(view, Requester::Anonymous), Decision::SignIn);
        assert_eq!(decide(Access::SignedIn, Requester::NoRole), Decision::Deny);
        assert_eq!(decide(Access::Account, Requester::NoRole), Decision::Allow);
        assert_eq!(decide(Access::Account, Requester::Anonymous), Decision::SignIn);
        assert_eq!(decide(view, Requester::NoRole), Decision::Deny);
        assert_eq!(decide(view, Requester::Role(Role::CityOfficer)), Decision::Allow);
        assert_eq!(decide(view, Requester::Role(Role::Expert)), Decision::Deny);
        assert_eq!(decide(view, Requester::Role(Role::Auditor)), Decision::Deny);
    }

    #[test]
    fn administrators_get_no_business_menu() {
        let labels = |who| menu_for(who).map(|m| m.label).collect::<Vec<_>>();
        assert_eq!(
            labels(Requester::Role(Role::CityOfficer)),
            vec![
                "工作台",
                "通知通报",
                "实施方案",
                "领导小组",
                "联席会议",
                "用人单位",
                "项目申报",
                "项目监管",
                "工伤预防费",
                "重点岗位培训",
                "联合检查",
                "限期整改",
                "浮动费率",
                "服务机构",
                "宣传活动",
                "技工院校",
                "工伤统计",
                "年度报告",
                "申报批次",
                "申报单位",
                "专家库",
                "成员单位",
                "行动计划周期",
                "重点行业",
                "行业风险类别",
                "工作日历",
                "修改密码",
                "双因素认证"
            ]
        );
        assert_eq!(
            labels(Requester::Role(Role::SysAdmin)),
            vec!["工作台", "账号管理", "账号申请", "休眠账号", "登录日志", "在线会话", "修改密码", "双因素认证"]
        );
        assert_eq!(labels(Requester::Role(Role::Auditor)), vec!["工作台", "审计日志", "修改密码", "双因素认证"]);
        assert_eq!(labels(Requester::NoRole), vec!["修改密码", "双因素认证"]);
        assert_eq!(labels(Requester::Anonymous), Vec::<&str>::new());
    }

    #[test]
    fn messages_are_chinese_and_name_the_role() {
        let msg = AssignmentError::RegionMustBeCity(Role::CityOfficer).to_string();
        assert_eq!(msg, "角色「市人力资源社会保障局」只能属于地级市");
    }
}
