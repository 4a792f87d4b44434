//! The `prevention` command line: serve, migrate, manage the private database, create users.

use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use prevention::accounts::{self, NewAccount, Username, commands};
use prevention::audit::AuditContext;
use prevention::auth::password;
use prevention::auth::policy::SecurityPolicy;
use prevention::config::Settings;
use prevention::db::local::{self, Durability, LocalCluster, Status};
use prevention::db::{APP_ROLE, OWNER_ROLE};
use prevention::error::WriteError;
use prevention::org::{DepartmentKind, Role};
use prevention::server::{self, Database};
use prevention::{province, telemetry};

#[derive(Parser)]
#[command(name = "prevention", version, about = "工伤预防管理平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动 Web 服务(未配置数据库时自动启动本地私有 PostgreSQL)
    Serve {
        /// 演示模式:写入演示账号和演示数据(仅限本地私有数据库)
        #[arg(long)]
        demo: bool,
        /// 监听地址,如 127.0.0.1:8080(覆盖配置 bind)
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
    /// 执行数据库迁移并导入省份配置文件
    Migrate,
    /// 管理本地私有 PostgreSQL
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// 管理用户账号
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// 生成规模数据（用于性能测试和试用）：N=1 约为一个省的数据量，N=10 为十倍
    Seed {
        /// 规模倍数 N（1–100）
        #[arg(long)]
        scale: u32,
        /// 随机种子：相同的 N 和种子生成相同的数据
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// 允许写入已配置的外部数据库（默认只写本地私有数据库，防止误写正式库）
        #[arg(long)]
        allow_external_database: bool,
    },
    /// 审计日志维护
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// 删除早于指定天数的审计记录(至少保留 184 天)
    Purge {
        /// 天数,不少于 184
        #[arg(long)]
        older_than: u32,
    },
}

#[derive(Subcommand)]
enum DbAction {
    /// 启动(首次使用时初始化)
    Start,
    /// 停止
    Stop,
    /// 显示运行状态和目录
    Status,
    /// 输出连接地址(默认运行时角色)
    Url {
        /// 输出属主角色的连接地址
        #[arg(long)]
        owner: bool,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// 创建账号并分配角色
    Create {
        /// 用户名(3–32 位英文字母、数字、下划线、点或连字符)
        username: String,
        /// 角色: province_officer, city_officer, partner_officer, agency_officer, expert,
        /// sys_admin, security_admin, auditor
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// 所属地区代码,如 210100
        #[arg(long)]
        region: Option<String>,
        /// 所属部门类型,如 emergency
        #[arg(long, value_parser = parse_department)]
        department: Option<DepartmentKind>,
        /// 姓名(默认与用户名相同)
        #[arg(long)]
        name: Option<String>,
        /// 从标准输入读取初始密码(否则生成随机一次性密码)
        #[arg(long)]
        password_stdin: bool,
    },
    /// 重置密码:生成一次性密码(下次登录必须修改),解除锁定并结束其全部会话
    ResetPassword { username: String },
    /// 停用账号并立即结束其全部会话
    Disable { username: String },
    /// 解除登录失败锁定
    Unlock { username: String },
    /// 分配或变更角色(地区和部门默认沿用账号现有的)
    SetRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: Role,
        /// 所属地区代码
        #[arg(long)]
        region: Option<String>,
        /// 所属部门类型
        #[arg(long, value_parser = parse_department)]
        department: Option<DepartmentKind>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("未知角色「{s}」，可选：{}", all.join(", "))
    })
}

fn parse_department(s: &str) -> Result<DepartmentKind, String> {
    DepartmentKind::parse(s).ok_or_else(|| {
        let all: Vec<_> = DepartmentKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("未知部门类型「{s}」，可选：{}", all.join(", "))
    })
}

fn main() -> ExitCode {
    prevention::resources::tune();
    let cli = Cli::parse();
    let settings = match Settings::load(Path::new(".")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：配置有误：{e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, mut settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo, bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            server::serve(settings, demo).await
        }
        Command::Migrate => migrate(&settings).await,
        Command::Db { action } => manage_local_db(action, &settings).await,
        Command::User { action } => with_accounts(&settings, action).await,
        Command::Audit { action: AuditAction::Purge { older_than } } => purge_audit(&settings, older_than).await,
        Command::Seed { scale, seed, allow_external_database } => {
            seed_scale(&settings, scale, seed, allow_external_database).await
        }
    }
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let province = province::load(&settings.province_file)?;
    let database = Database::open(settings).await?;
    let outcome = match &database.targets.owner {
        Some(owner) => server::migrate_and_seed(owner.clone(), &province).await,
        None => Err(anyhow::anyhow!("迁移需要属主角色连接：请配置 PREVENTION_OWNER_DATABASE_URL")),
    };
    database.close().await;
    outcome?;
    println!("数据库已迁移到最新版本，省份配置文件已导入。");
    Ok(())
}

async fn manage_local_db(action: DbAction, settings: &Settings) -> anyhow::Result<()> {
    if !settings.uses_local_cluster() {
        bail!("已配置外部数据库（PREVENTION_DATABASE_URL），db 命令只管理本地私有数据库");
    }
    let cluster = LocalCluster::locate(&settings.local_db_dir, Durability::Durable)?;
    match action {
        DbAction::Start => {
            let started = server::start_cluster(&cluster).await?;
            cluster.ensure_database(local::DATABASE).await?;
            let verb = if started { "已启动" } else { "已在运行" };
            println!("本地数据库{verb}：{}", cluster.dir().display());
        }
        DbAction::Stop => {
            let c = cluster.clone();
            let stopped = tokio::task::spawn_blocking(move || c.stop()).await??;
            println!("{}", if stopped { "本地数据库已停止" } else { "本地数据库未在运行" });
        }
        DbAction::Status => {
            let status = match cluster.status()? {
                Status::Running => "运行中",
                Status::Stopped => "已停止",
                Status::NotInitialised => "未初始化",
            };
            println!("本地数据库{status}：{}", cluster.dir().display());
        }
        DbAction::Url { owner } => {
            let role = if owner { OWNER_ROLE } else { APP_ROLE };
            println!("{}", cluster.url(role, local::DATABASE));
        }
    }
    Ok(())
}

/// Runs an account command against the database (the private cluster is started, migrated and
/// stopped again if need be). Every command is audited as the command line.
async fn with_accounts(settings: &Settings, action: UserAction) -> anyhow::Result<()> {
    // Arguments are checked before any database is touched.
    let create = match &action {
        UserAction::Create { username, name, password_stdin, .. } => {
            let username = Username::parse(username)?;
            let display_name = accounts::model::parse_display_name(name.as_deref().unwrap_or(username.as_str()))
                .map_err(anyhow::Error::msg)?;
            let password = if *password_stdin {
                let mut input = String::new();
                std::io::stdin().read_to_string(&mut input).context("读取标准输入失败")?;
                let password = input.trim_end_matches(['\r', '\n']).to_string();
                // The whole policy, as on the password page: not only length and classes.
                SecurityPolicy::from_settings(settings)
                    .check_new_password(username.as_str(), &password)
                    .map_err(anyhow::Error::msg)?;
                Some(password)
            } else {
                None
            };
            Some((username, display_name, password))
        }
        _ => None,
    };
    let province = province::load(&settings.province_file)?;
    let database = Database::open(settings).await?;
    let outcome = async {
        if let Some(owner) = &database.targets.owner {
            server::migrate_and_seed(owner.clone(), &province).await?;
        }
        let pool = prevention::db::connect_app(database.targets.app.clone(), settings).await?;
        let policy = prevention::auth::store::load_policy(&pool, settings).await?;
        let ctx = AuditContext::command_line();
        match action {
            UserAction::Create { role, region, department, .. } => {
                let Some((username, display_name, given)) = create else {
                    bail!("内部错误：账号参数未经检查")
                };
                let (password, generated) = match given {
                    Some(p) => {
                        // The security administrator's policy may ask for more than the file.
                        policy.check_new_password(username.as_str(), &p).map_err(anyhow::Error::msg)?;
                        (p, false)
                    }
                    None => (password::generate_one_time_password(), true),
                };
                let account = NewAccount {
                    username,
                    display_name: display_name.to_string(),
                    role: Some(role),
                    region_id: None,
                    department,
                    password_hash: password::hash(password.clone()).await?,
                    must_change_password: true,
                };
                let (_, region) = commands::create(&pool, &ctx, account.clone(), region.as_deref(), None)
                    .await
                    .map_err(|e| match e {
                        WriteError::Duplicate(_) => anyhow::anyhow!("用户名「{}」已被使用", account.username),
                        other => other.into(),
                    })?;
                let place = region.map(|r| format!("，{}", r.name)).unwrap_or_default();
                println!("已创建账号 {}（{}{place}）", account.username, role.label());
                if generated {
                    print_one_time(&password);
                }
            }
            UserAction::ResetPassword { username } => {
                let password = commands::reset_password(&pool, &ctx, &username, policy.password_history).await?;
                println!("已重置用户 {username} 的密码，其会话已全部结束。");
                print_one_time(&password);
            }
            UserAction::Disable { username } => {
                commands::disable(&pool, &ctx, &username).await?;
                println!("已停用用户 {username}，其会话已全部结束。");
            }
            UserAction::Unlock { username } => {
                commands::unlock(&pool, &ctx, &username).await?;
                println!("已解除用户 {username} 的锁定。");
            }
            UserAction::SetRole { username, role, region, department } => {
                commands::set_role(&pool, &ctx, &username, role, region.as_deref(), department).await?;
                println!("已将用户 {username} 的角色设为「{}」。", role.label());
            }
        }
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    outcome
}

/// Purges old audit records as the owner (the runtime role may not delete them).
async fn purge_audit(settings: &Settings, days: u32) -> anyhow::Result<()> {
    if days < prevention::audit::MIN_RETENTION_DAYS {
        bail!("{}", prevention::audit::PurgeError::TooYoung(days));
    }
    let database = Database::open(settings).await?;
    let outcome = async {
        let owner = database
            .targets
            .owner
            .clone()
            .context("清理审计日志需要属主角色连接：请配置 PREVENTION_OWNER_DATABASE_URL")?;
        let pool = prevention::db::connect_owner(owner).await?;
        let deleted = prevention::audit::purge(&pool, &AuditContext::command_line(), days).await?;
        pool.close().await;
        println!("已删除 {days} 天以前的审计记录 {deleted} 条。");
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    outcome
}

/// `seed --scale N`: generated data, on the private cluster unless explicitly allowed elsewhere.
async fn seed_scale(settings: &Settings, n: u32, seed: u64, allow_external: bool) -> anyhow::Result<()> {
    if !settings.uses_local_cluster() && !allow_external {
        bail!(
            "已配置外部数据库（PREVENTION_DATABASE_URL）：规模数据默认只写入本地私有数据库。确需写入该数据库（绝不能是正式库），请加 --allow-external-database"
        );
    }
    let province = province::load(&settings.province_file)?;
    let database = Database::open(settings).await?;
    let outcome = async {
        let owner = database
            .targets
            .owner
            .clone()
            .context("生成规模数据需要属主角色连接：请配置 PREVENTION_OWNER_DATABASE_URL")?;
        server::migrate_and_seed(owner.clone(), &province).await?;
        let pool = prevention::db::connect_owner(owner).await?;
        let options = prevention::scale::Options::new(n, seed);
        let outcome = prevention::scale::run(&pool, options, &|line| println!("{line}")).await;
        pool.close().await;
        outcome
    }
    .await;
    database.close().await;
    outcome
}

fn print_one_time(password: &str) {
    println!("一次性密码：{password}");
    println!("请通过安全渠道交给本人；首次登录后必须修改。");
}
