//! The private cluster, driven through the real binary as an operator would: it starts, is
//! reused, stops, runs as `postgres` when we are root, and two processes starting it at once do
//! not collide. `serve` stops on SIGTERM and stops the cluster it started.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{manifest_dir, random_suffix};

/// A short folder of this test's own (Unix socket paths are limited to 107 bytes).
struct Folder(PathBuf);

impl Folder {
    fn new() -> Folder {
        Folder(PathBuf::from(format!("/tmp/pv-{}", random_suffix())))
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = prevention_cmd(&self.0, &["db", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn prevention_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prevention"));
    cmd.args(args)
        .current_dir(manifest_dir())
        .env("PREVENTION_LOCAL_DB_DIR", dir)
        .env_remove("PREVENTION_DATABASE_URL")
        .env_remove("PREVENTION_OWNER_DATABASE_URL");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let out = prevention_cmd(dir, args).output().unwrap();
    assert!(out.status.success(), "prevention {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn server_pid(dir: &Path) -> u32 {
    let text = std::fs::read_to_string(dir.join("data/postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

/// The real uid of a process, from /proc.
fn uid_of(pid: u32) -> u32 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn postgres_uid() -> u32 {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let line = passwd.lines().find(|l| l.starts_with("postgres:")).unwrap();
    line.split(':').nth(2).unwrap().parse().unwrap()
}

#[test]
fn the_cluster_starts_is_reused_and_stops() {
    let folder = Folder::new();
    let dir = &folder.0;

    // Two processes at once: both succeed, one cluster results.
    let a = prevention_cmd(dir, &["db", "start"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let b = prevention_cmd(dir, &["db", "start"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let said = stdout(&a) + &stdout(&b);
    assert_eq!(said.matches("本地数据库已启动").count(), 1, "{said}");
    assert_eq!(said.matches("本地数据库已在运行").count(), 1, "{said}");

    assert!(stdout(&run(dir, &["db", "status"])).contains("运行中"));
    let pid = server_pid(dir);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(uid_of(pid), postgres_uid(), "as root, PostgreSQL runs as postgres");
    } else {
        // SAFETY: as above.
        assert_eq!(uid_of(pid), unsafe { libc::geteuid() });
    }

    // Reused, not restarted.
    assert!(stdout(&run(dir, &["db", "start"])).contains("已在运行"));
    assert_eq!(server_pid(dir), pid);

    // The URL names the socket folder.
    let url = stdout(&run(dir, &["db", "url"]));
    assert!(url.starts_with("postgres://prevention_app@localhost/prevention?host="), "{url}");
    assert!(url.contains(dir.to_str().unwrap()));

    assert!(stdout(&run(dir, &["db", "stop"])).contains("已停止"));
    assert!(stdout(&run(dir, &["db", "status"])).contains("已停止"));
    assert!(stdout(&run(dir, &["db", "stop"])).contains("未在运行"));

    // The data stays: the next start reuses it without initialising again.
    let version_file = std::fs::metadata(dir.join("data/PG_VERSION")).unwrap().modified().unwrap();
    assert!(stdout(&run(dir, &["db", "start"])).contains("已启动"));
    assert_eq!(std::fs::metadata(dir.join("data/PG_VERSION")).unwrap().modified().unwrap(), version_file);
}

#[test]
fn serve_stops_cleanly_on_sigterm_and_stops_its_cluster() {
    let folder = Folder::new();
    let dir = &folder.0;
    let mut child = prevention_cmd(dir, &["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();

    let health = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let res = reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap()
                .get(format!("http://{address}/readyz"))
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        })
    })
    .join()
    .unwrap();
    assert_eq!(health, (200, "ready".to_string()));

    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let mut waited = Duration::ZERO;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(waited < Duration::from_secs(30), "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
        waited += Duration::from_millis(100);
    };
    assert!(status.success(), "clean exit: {status}");
    assert!(stdout(&run(dir, &["db", "status"])).contains("已停止"), "the cluster it started is stopped");

    // The next start reuses both the cluster folder and the migrated database.
    let out = run(dir, &["migrate"]);
    assert!(stdout(&out).contains("已迁移"));
}
