//! The `prevention` command line: serve, migrate, manage the private database, create users.

use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use prevention::access::{Role, resolve_assignment};
use prevention::accounts::{self, NewAccount, Username};
use prevention::auth::password;
use prevention::config::Settings;
use prevention::db::local::{self, Durability, LocalCluster, Status};
use prevention::db::{APP_ROLE, OWNER_ROLE};
use prevention::departments::DepartmentKind;
use prevention::server::{self, Database};
use prevention::{province, regions, telemetry};

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
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("未知角色「{s}」,可选: {}", all.join(", "))
    })
}

fn parse_department(s: &str) -> Result<DepartmentKind, String> {
    DepartmentKind::parse(s).ok_or_else(|| {
        let all: Vec<_> = DepartmentKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("未知部门类型「{s}」,可选: {}", all.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(Path::new(".")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: 配置有误: {e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误: 无法启动运行时: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误: {e:#}");
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
        Command::User { action: UserAction::Create { username, role, region, department, name, password_stdin } } => {
            create_user(&settings, &username, role, region.as_deref(), department, name.as_deref(), password_stdin)
                .await
        }
    }
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let province = province::load(&settings.province_file)?;
    let database = Database::open(settings).await?;
    let outcome = match &database.targets.owner {
        Some(owner) => server::migrate_and_seed(owner.clone(), &province).await,
        None => Err(anyhow::anyhow!("迁移需要属主角色连接:请配置 PREVENTION_OWNER_DATABASE_URL")),
    };
    database.close().await;
    outcome?;
    println!("数据库已迁移到最新版本,省份配置文件已导入。");
    Ok(())
}

async fn manage_local_db(action: DbAction, settings: &Settings) -> anyhow::Result<()> {
    if !settings.uses_local_cluster() {
        bail!("已配置外部数据库(PREVENTION_DATABASE_URL),db 命令只管理本地私有数据库");
    }
    let cluster = LocalCluster::locate(&settings.local_db_dir, Durability::Durable)?;
    match action {
        DbAction::Start => {
            let started = server::start_cluster(&cluster).await?;
            cluster.ensure_database(local::DATABASE).await?;
            let verb = if started { "已启动" } else { "已在运行" };
            println!("本地数据库{verb}: {}", cluster.dir().display());
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
            println!("本地数据库{status}: {}", cluster.dir().display());
        }
        DbAction::Url { owner } => {
            let role = if owner { OWNER_ROLE } else { APP_ROLE };
            println!("{}", cluster.url(role, local::DATABASE));
        }
    }
    Ok(())
}

async fn create_user(
    settings: &Settings,
    username: &str,
    role: Role,
    region_code: Option<&str>,
    department: Option<DepartmentKind>,
    name: Option<&str>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let username = Username::parse(username)?;
    let display_name =
        accounts::model::parse_display_name(name.unwrap_or(username.as_str())).map_err(anyhow::Error::msg)?;
    let (password, generated) = if password_stdin {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input).context("读取标准输入失败")?;
        let password = input.trim_end_matches(['\r', '\n']).to_string();
        password::check_strength(&password).map_err(anyhow::Error::msg)?;
        (password, false)
    } else {
        (password::generate_one_time_password(), true)
    };

    let province = province::load(&settings.province_file)?;
    let database = Database::open(settings).await?;
    let outcome = async {
        if let Some(owner) = &database.targets.owner {
            server::migrate_and_seed(owner.clone(), &province).await?;
        }
        let pool = prevention::db::connect_app(database.targets.app.clone(), settings).await?;
        let region = match region_code {
            Some(code) => Some(
                regions::store::find_by_code(&pool, code)
                    .await?
                    .with_context(|| format!("地区代码「{code}」不存在"))?,
            ),
            None => None,
        };
        let department = resolve_assignment(role, region.as_ref().map(|r| r.level), department)?;
        let account = NewAccount {
            username,
            display_name,
            role: Some(role),
            region_id: region.as_ref().map(|r| r.id),
            department,
            password_hash: password::hash(password.clone()).await?,
            must_change_password: true,
        };
        accounts::store::create(&pool, &account).await?;
        pool.close().await;
        let place = region.map(|r| format!(",{}", r.name)).unwrap_or_default();
        println!("已创建账号 {}({}{place})", account.username, role.label());
        if generated {
            println!("一次性密码: {password}");
            println!("请通过安全渠道交给本人;首次登录后必须修改。");
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    outcome
}
