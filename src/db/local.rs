//! The private PostgreSQL cluster used when no database is configured.
//!
//! It runs the installed server binaries (`initdb`, `pg_ctl`) in a folder of its own and
//! listens only on a Unix socket in that folder. PostgreSQL refuses to run as root, so as root
//! the server runs as the `postgres` system user, which must be able to reach the folder; when
//! it cannot (a checkout in root's home, say) or the socket path would be too long, the cluster
//! lives under `/var/tmp` instead. Start-up is serialised by a file lock so that several
//! processes (test runners, a second `serve`) never initialise or start it twice.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use super::{APP_ROLE, OWNER_ROLE};

/// The cluster's superuser, created by `initdb`; used only to create roles and databases.
pub const SUPERUSER: &str = "postgres";
/// The application database in the private cluster.
pub const DATABASE: &str = "prevention";
/// Linux limits Unix socket paths (`sun_path`) to 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;
const PORT: u16 = 5432;

#[derive(Debug, thiserror::Error)]
pub enum LocalDbError {
    #[error(
        "找不到 PostgreSQL 服务端程序（initdb、pg_ctl）：请安装 PostgreSQL（如 apt-get install postgresql），或配置 PREVENTION_DATABASE_URL 使用外部数据库"
    )]
    BinariesNotFound,
    #[error("以 root 运行时需要系统用户 postgres 来运行数据库，但找不到该用户")]
    NoPostgresUser,
    #[error("无法准备数据库目录 {path}：{source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("运行 {program} 失败：{detail}")]
    Command { program: String, detail: String },
    #[error("连接本地数据库失败：{0}")]
    Connect(#[from] sqlx::Error),
    #[error("拒绝使用数据库目录 {path}：{why}")]
    Unsafe { path: PathBuf, why: &'static str },
}

/// How the server is tuned: durable for real use, fast for throwaway test clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Durable,
    /// fsync off: a crash may lose the cluster, which tests rebuild anyway.
    Throwaway,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    Stopped,
    NotInitialised,
}

#[derive(Clone, Debug)]
pub struct LocalCluster {
    dir: PathBuf,
    bin_dir: PathBuf,
    /// uid and gid of `postgres` when this process is root.
    run_as: Option<(u32, u32)>,
    durability: Durability,
}

impl LocalCluster {
    /// Finds the server binaries and settles the folder: `requested` when the server can use it,
    /// otherwise a short folder under `/var/tmp` derived from it.
    pub fn locate(requested: &Path, durability: Durability) -> Result<LocalCluster, LocalDbError> {
        let bin_dir = find_binaries().ok_or(LocalDbError::BinariesNotFound)?;
        let run_as = if is_root() { Some(postgres_user().ok_or(LocalDbError::NoPostgresUser)?) } else { None };
        let requested = std::path::absolute(requested)
            .map_err(|source| LocalDbError::Folder { path: requested.to_path_buf(), source })?;
        let dir = if folder_is_usable(&requested, run_as) { requested } else { fallback_folder(&requested) };
        Ok(LocalCluster { dir, bin_dir, run_as, durability })
    }

    /// The folder that holds the data directory, the socket, the log and the lock.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Connection options for `role` on `database`, through the cluster's socket.
    pub fn connect_options(&self, role: &str, database: &str) -> PgConnectOptions {
        PgConnectOptions::new().socket(&self.dir).port(PORT).username(role).database(database)
    }

    /// A connection URL for `role` on `database`, for people and scripts (`prevention db url`).
    pub fn url(&self, role: &str, database: &str) -> String {
        format!("postgres://{role}@localhost/{database}?host={}&port={PORT}", percent_encode_path(&self.dir))
    }

    /// Starts the cluster unless it already runs, initialising it on first use. Returns whether
    /// this call started it (so the caller knows whether to stop it again).
    pub fn start(&self) -> Result<bool, LocalDbError> {
        let _lock = self.lock()?;
        if self.status()? == Status::NotInitialised {
            self.initialise()?;
        }
        if self.status()? == Status::Running {
            return Ok(false);
        }
        let log = self.dir.join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                OsStr::new("start"),
                OsStr::new("-w"),
                OsStr::new("-t"),
                OsStr::new("60"),
                OsStr::new("-s"),
                OsStr::new("-D"),
                self.data_dir().as_os_str(),
                OsStr::new("-l"),
                log.as_os_str(),
            ],
        )?;
        Ok(true)
    }

    /// Stops the cluster if it runs (fast shutdown: sessions end, data is flushed).
    pub fn stop(&self) -> Result<bool, LocalDbError> {
        let _lock = self.lock()?;
        if self.status()? != Status::Running {
            return Ok(false);
        }
        self.run(
            "pg_ctl",
            &[
                OsStr::new("stop"),
                OsStr::new("-w"),
                OsStr::new("-s"),
                OsStr::new("-m"),
                OsStr::new("fast"),
                OsStr::new("-D"),
                self.data_dir().as_os_str(),
            ],
        )?;
        Ok(true)
    }

    pub fn status(&self) -> Result<Status, LocalDbError> {
        if !self.data_dir().join("PG_VERSION").exists() {
            return Ok(Status::NotInitialised);
        }
        let out = self
            .command("pg_ctl")
            .args([OsStr::new("status"), OsStr::new("-D"), self.data_dir().as_os_str()])
            .output()
            .map_err(|e| command_error("pg_ctl", e))?;
        // pg_ctl status: 0 running, 3 not running, 4 no accessible data directory.
        Ok(match out.status.code() {
            Some(0) => Status::Running,
            _ => Status::Stopped,
        })
    }

    /// The process id of the running server, read from its pid file.
    pub fn server_pid(&self) -> Option<u32> {
        let text = fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// Creates the owner and runtime roles and `database` if they are missing. Idempotent, and
    /// serialised with other processes by the same lock as start-up.
    pub async fn ensure_database(&self, database: &str) -> Result<(), LocalDbError> {
        let _lock = self.lock()?;
        let mut conn = PgConnection::connect_with(&self.connect_options(SUPERUSER, "postgres")).await?;
        create_roles(&mut conn).await?;
        create_database_if_missing(&mut conn, database, None).await?;
        conn.close().await?;
        Ok(())
    }

    /// Creates the owner and runtime roles if they are missing.
    pub async fn ensure_roles(&self) -> Result<(), LocalDbError> {
        let _lock = self.lock()?;
        let mut conn = PgConnection::connect_with(&self.connect_options(SUPERUSER, "postgres")).await?;
        create_roles(&mut conn).await?;
        conn.close().await?;
        Ok(())
    }

    /// A connection pool as the superuser, for tests and tooling that create databases.
    pub async fn superuser_pool(&self) -> Result<sqlx::PgPool, LocalDbError> {
        Ok(PgPoolOptions::new().max_connections(4).connect_with(self.connect_options(SUPERUSER, "postgres")).await?)
    }

    fn initialise(&self) -> Result<(), LocalDbError> {
        let data = self.data_dir();
        let mut args = vec![
            OsStr::new("-D"),
            data.as_os_str(),
            OsStr::new("-U"),
            OsStr::new(SUPERUSER),
            OsStr::new("--auth=trust"),
            OsStr::new("-E"),
            OsStr::new("UTF8"),
            OsStr::new("--locale=C.UTF-8"),
        ];
        if self.durability == Durability::Throwaway {
            args.push(OsStr::new("--no-sync"));
        }
        self.run("initdb", &args)?;
        self.write_server_settings()
    }

    /// Listens on the folder's Unix socket only; no TCP port is opened.
    fn write_server_settings(&self) -> Result<(), LocalDbError> {
        let dir = self.dir.to_string_lossy().replace('\'', "''");
        let mut settings = format!(
            "\n# prevention: private cluster\nlisten_addresses = ''\nunix_socket_directories = '{dir}'\nport = {PORT}\nmax_connections = 200\ntimezone = 'UTC'\n"
        );
        if self.durability == Durability::Throwaway {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let path = self.data_dir().join("postgresql.conf");
        let folder_error = |source| LocalDbError::Folder { path: path.clone(), source };
        let mut file = OpenOptions::new().append(true).open(&path).map_err(folder_error)?;
        file.write_all(settings.as_bytes()).map_err(folder_error)
    }

    /// Settles the folder (see [`prepare_folder`]) and takes the start-up lock on it.
    fn lock(&self) -> Result<File, LocalDbError> {
        prepare_folder(&self.dir, self.run_as)?;
        let file = open_lock_file(&self.dir)?;
        file.lock().map_err(|source| LocalDbError::Folder { path: self.dir.clone(), source })?;
        Ok(file)
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        // The server's user may not be able to enter our working directory.
        cmd.current_dir(&self.dir);
        cmd.env("LC_ALL", "C.UTF-8");
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    fn run(&self, program: &str, args: &[&OsStr]) -> Result<Output, LocalDbError> {
        let out = self.command(program).args(args).output().map_err(|e| command_error(program, e))?;
        if out.status.success() {
            Ok(out)
        } else {
            let mut detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
            if detail.is_empty() {
                detail = format!("exit status {}", out.status);
            }
            if program == "pg_ctl" {
                detail.push_str(&format!("（日志：{}）", self.dir.join("postgres.log").display()));
            }
            Err(LocalDbError::Command { program: program.to_string(), detail })
        }
    }
}

/// The lock file's name; its presence marks a folder this launcher made.
const LOCK_FILE: &str = "launcher.lock";

/// Makes the cluster folder (mode 0700, owned by the server's user) or checks an existing one.
/// The fallback folder under `/var/tmp` has a predictable name in a folder everyone may write,
/// so an existing folder is used only if it is a real folder (not a link), belongs to this
/// process's user or the server's, and was made by this launcher (it holds the lock file) or
/// is empty.
pub fn prepare_folder(dir: &Path, run_as: Option<(u32, u32)>) -> Result<(), LocalDbError> {
    let refuse = |why: &'static str| LocalDbError::Unsafe { path: dir.to_path_buf(), why };
    let folder_error = |source| LocalDbError::Folder { path: dir.to_path_buf(), source };
    // Two launchers starting at once may both find no folder: the one that loses the race to
    // create it checks the winner's folder like any existing one.
    let mut made = false;
    if let Err(e) = fs::symlink_metadata(dir) {
        if e.kind() != std::io::ErrorKind::NotFound {
            return Err(folder_error(e));
        }
        if let Some(parent) = dir.parent() {
            fs::create_dir_all(parent).map_err(folder_error)?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => made = true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(folder_error(e)),
        }
    }
    match fs::symlink_metadata(dir) {
        _ if made => {}
        Err(e) => return Err(folder_error(e)),
        Ok(meta) => {
            if meta.file_type().is_symlink() {
                return Err(refuse("是符号链接"));
            }
            if !meta.is_dir() {
                return Err(refuse("不是目录"));
            }
            // SAFETY: geteuid has no preconditions and cannot fail.
            let me = unsafe { libc::geteuid() };
            if meta.uid() != me && run_as.is_none_or(|(uid, _)| meta.uid() != uid) {
                return Err(refuse("属于其他用户"));
            }
            // Emptiness first: a launcher that has just made the folder writes the lock file
            // into it before anything else, so a folder found non-empty then holds it now
            // (checking the lock first lost that race to a second launcher now and then).
            let made_by_us = fs::read_dir(dir).map_err(folder_error)?.next().is_none() || dir.join(LOCK_FILE).exists();
            if !made_by_us {
                return Err(refuse("不是本程序创建的目录（其中没有 launcher.lock，且不为空）"));
            }
        }
    }
    if let Some((uid, gid)) = run_as {
        std::os::unix::fs::chown(dir, Some(uid), Some(gid)).map_err(folder_error)?;
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(folder_error)
}

/// Opens (creating) the lock file, refusing to follow a link planted in its place.
fn open_lock_file(dir: &Path) -> Result<File, LocalDbError> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(LOCK_FILE);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|source| match source.raw_os_error() {
            Some(libc::ELOOP) => LocalDbError::Unsafe { path, why: "是符号链接" },
            _ => LocalDbError::Folder { path, source },
        })
}

/// Roles are cluster-wide, so they are made here, never by a migration. The runtime role must
/// stay a plain login: no superuser, no BYPASSRLS, owning nothing.
async fn create_roles(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
             CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
           END IF;
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
             CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
           END IF;
         END $$;"
    )))
    .execute(conn)
    .await?;
    Ok(())
}

/// Creates `database` owned by the owner role unless it exists; copies `template` if given.
/// Two processes racing here both succeed: the loser's "already exists" is not an error.
pub async fn create_database_if_missing(
    conn: &mut PgConnection,
    database: &str,
    template: Option<&str>,
) -> Result<(), sqlx::Error> {
    assert_identifier(database);
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(database)
        .fetch_one(&mut *conn)
        .await?;
    if exists {
        return Ok(());
    }
    let template = template.inspect(|t| assert_identifier(t)).map(|t| format!(" TEMPLATE \"{t}\"")).unwrap_or_default();
    let sql = format!("CREATE DATABASE \"{database}\" OWNER {OWNER_ROLE}{template}");
    match sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *conn).await {
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Database names we generate are plain identifiers; anything else is a programming error.
fn assert_identifier(name: &str) {
    assert!(
        !name.is_empty()
            && name.len() < 64
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "not a plain database name: {name}"
    );
}

fn command_error(program: &str, e: std::io::Error) -> LocalDbError {
    LocalDbError::Command { program: program.to_string(), detail: e.to_string() }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// uid and gid of the `postgres` system user, from the password file.
fn postgres_user() -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != "postgres" {
            return None;
        }
        let uid = fields.nth(1)?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some((uid, gid))
    })
}

/// `initdb` and `pg_ctl` on PATH, else in the newest `/usr/lib/postgresql/*/bin`.
fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let on_path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|d| has_both(d)) {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| has_both(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// The folder can hold the socket, and the server's user can reach it.
fn folder_is_usable(dir: &Path, run_as: Option<(u32, u32)>) -> bool {
    let socket = dir.join(format!(".s.PGSQL.{PORT}"));
    if socket.as_os_str().len() > MAX_SOCKET_PATH {
        return false;
    }
    match run_as {
        None => true,
        Some((uid, gid)) => dir.ancestors().skip(1).all(|a| traversable_by(a, uid, gid)),
    }
}

/// Whether `uid`/`gid` may pass through the existing folder `dir` (missing ones we create).
fn traversable_by(dir: &Path, uid: u32, gid: u32) -> bool {
    let Ok(meta) = fs::metadata(dir) else {
        return true;
    };
    let mode = meta.mode();
    if meta.uid() == uid {
        mode & 0o100 != 0
    } else if meta.gid() == gid {
        mode & 0o010 != 0
    } else {
        mode & 0o001 != 0
    }
}

/// A short folder under /var/tmp that is the same for the same requested folder.
fn fallback_folder(requested: &Path) -> PathBuf {
    let digest = Sha256::digest(requested.as_os_str().as_encoded_bytes());
    let tag: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    PathBuf::from(format!("/var/tmp/prevention-{tag}"))
}

fn percent_encode_path(path: &Path) -> String {
    path.to_string_lossy()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_folders_fall_back_to_a_short_stable_one() {
        let long = PathBuf::from(format!("/tmp/{}", "x".repeat(120)));
        assert!(!folder_is_usable(&long, None));
        let a = fallback_folder(&long);
        assert_eq!(a, fallback_folder(&long));
        assert!(a.starts_with("/var/tmp"));
        assert!(a.join(".s.PGSQL.5432").as_os_str().len() <= MAX_SOCKET_PATH);
        assert_ne!(a, fallback_folder(Path::new("/tmp/other")));
    }

    #[test]
    fn urls_encode_the_socket_folder() {
        assert_eq!(percent_encode_path(Path::new("/var/tmp/a b")), "/var/tmp/a%20b");
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("prevention-{name}-{}-{}", std::process::id(), rand_tag()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn rand_tag() -> u64 {
        use rand::RngExt;
        rand::rng().random()
    }

    #[test]
    fn a_new_folder_is_made_private_and_reused() {
        let dir = scratch("new");
        prepare_folder(&dir, None).unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
        open_lock_file(&dir).unwrap();
        prepare_folder(&dir, None).unwrap();
        fs::write(dir.join("postgres.log"), "x").unwrap();
        prepare_folder(&dir, None).expect("ours: it holds the lock file");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_someone_else_filled_is_refused() {
        let dir = scratch("foreign");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("data"), "planted").unwrap();
        assert!(matches!(prepare_folder(&dir, None), Err(LocalDbError::Unsafe { .. })));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_link_in_place_of_the_folder_or_the_lock_is_refused() {
        let target = scratch("target");
        fs::create_dir(&target).unwrap();
        let link = scratch("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(prepare_folder(&link, None), Err(LocalDbError::Unsafe { .. })));
        fs::remove_file(&link).unwrap();

        let dir = scratch("locklink");
        prepare_folder(&dir, None).unwrap();
        std::os::unix::fs::symlink(target.join("elsewhere"), dir.join(LOCK_FILE)).unwrap();
        assert!(matches!(open_lock_file(&dir), Err(LocalDbError::Unsafe { .. })));
        assert!(!target.join("elsewhere").exists(), "nothing was created through the link");
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&target).unwrap();
    }

    #[test]
    fn a_folder_of_another_user_is_refused() {
        let dir = scratch("owned");
        fs::create_dir(&dir).unwrap();
        if is_root() {
            // nobody
            std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
            assert!(matches!(prepare_folder(&dir, None), Err(LocalDbError::Unsafe { .. })));
            assert!(prepare_folder(&dir, Some((65534, 65534))).is_ok(), "the server's own user is fine");
        } else {
            // Not root: the system's temporary folder is root's.
            assert!(matches!(prepare_folder(&std::env::temp_dir(), None), Err(LocalDbError::Unsafe { .. })));
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_closed_to_others_is_not_traversable() {
        let dir = std::env::temp_dir().join(format!("prevention-trav-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let meta = fs::metadata(&dir).unwrap();
        // A stranger (neither owner nor group) cannot pass; the owner can.
        assert!(!traversable_by(&dir, meta.uid() + 12345, meta.gid() + 12345));
        assert!(traversable_by(&dir, meta.uid(), meta.gid()));
        fs::remove_dir_all(&dir).unwrap();
    }
}
