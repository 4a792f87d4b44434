//! Password hashing (argon2id) and one-time passwords.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use rand::RngExt;

/// argon2id with at least the OWASP/SECURITY.md minimum: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    // The parameters are constants inside the allowed ranges, so this cannot fail.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("密码哈希失败")]
    Hash,
    #[error("密码校验任务异常终止")]
    Task,
}

impl From<PasswordError> for crate::error::WriteError {
    fn from(e: PasswordError) -> Self {
        crate::error::WriteError::Internal(e.into())
    }
}

/// Runs argon2 work on a blocking thread, at most `resources::heavy_work_slots` at once. Each hash takes
/// 19 MiB and tens of milliseconds of a core: a storm of sign-ins queues here, instead of
/// holding the memory of dozens of hashes and taking every core from the pages meanwhile.
async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
        std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(crate::resources::heavy_work_slots()));
    let _slot = SLOTS.acquire().await.map_err(|_| PasswordError::Task)?;
    tokio::task::spawn_blocking(work).await.map_err(|_| PasswordError::Task)
}

/// Hashes off the async threads: argon2 takes tens of milliseconds of CPU.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    off_thread(move || hash_blocking(&password)).await?
}

pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    hasher().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|_| PasswordError::Hash)
}

/// Verifies on a blocking thread. A malformed stored hash verifies as false.
pub async fn verify(password: String, stored_hash: String) -> Result<bool, PasswordError> {
    off_thread(move || hasher().verify_password(password.as_bytes(), stored_hash.as_str()).is_ok()).await
}

/// Verifies a sign-in. For an unknown username there is no stored hash: a dummy one is verified
/// instead, so both paths cost the same and timing does not tell which usernames exist.
pub async fn verify_login(password: String, stored_hash: Option<String>) -> Result<bool, PasswordError> {
    off_thread(move || {
        let known = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| {
            DUMMY_VERIFICATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            dummy_hash().to_string()
        });
        let matches = hasher().verify_password(password.as_bytes(), hash.as_str()).is_ok();
        known && matches
    })
    .await
}

/// Whether `password` matches any of `hashes` (the password history), on a blocking thread.
pub async fn matches_any(password: String, hashes: Vec<String>) -> Result<bool, PasswordError> {
    off_thread(move || hashes.iter().any(|h| hasher().verify_password(password.as_bytes(), h.as_str()).is_ok())).await
}

/// How many times the dummy hash was verified (for unknown usernames), so tests can assert that
/// the unknown-user path really did the work.
pub static DUMMY_VERIFICATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A hash of a random password nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&generate_one_time_password()).unwrap_or_default())
}

/// The minimum strength rules of SECURITY.md: 10–128 characters, three of the four classes
/// (upper, lower, digit, other — any other character, CJK included, is "other").
pub fn check_strength(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < 10 {
        return Err("密码至少 10 个字符");
    }
    if length > 128 {
        return Err("密码不能超过 128 个字符");
    }
    if character_classes(password) < 3 {
        return Err("密码须包含大写字母、小写字母、数字、其他字符中的至少三类");
    }
    Ok(())
}

fn character_classes(password: &str) -> usize {
    let has = |f: fn(char) -> bool| password.chars().any(f) as usize;
    has(|c| c.is_ascii_uppercase())
        + has(|c| c.is_ascii_lowercase())
        + has(|c| c.is_ascii_digit())
        + has(|c| !c.is_ascii_alphanumeric())
}

/// A random one-time password of 16 characters with every class present, without characters
/// that are easily misread when read out or copied from paper (0/O, 1/l/I).
pub fn generate_one_time_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const OTHER: &[u8] = b"#%+=@";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGIT), pick(OTHER)];
    let all: Vec<u8> = [UPPER, LOWER, DIGIT, OTHER].concat();
    while chars.len() < 16 {
        chars.push(pick(&all));
    }
    // Shuffle so the class order gives nothing away.
    for i in (1..chars.len()).rev() {
        let j = rng.random_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_blocking("Gongshang#2026").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher().verify_password(b"Gongshang#2026", hash.as_str()).is_ok());
        assert!(hasher().verify_password(b"Gongshang#2027", hash.as_str()).is_err());
    }

    #[test]
    fn strength_rules() {
        assert_eq!(check_strength("Ab1#"), Err("密码至少 10 个字符"));
        assert!(check_strength("abcdefghij1").is_err());
        assert!(check_strength("abcdefgh1X").is_ok());
        assert!(check_strength("工伤预防abcdef12").is_ok(), "CJK counts as other");
        assert!(check_strength(&"Aa1".repeat(43)).is_err());
    }

    #[test]
    fn one_time_passwords_are_strong_and_differ() {
        let a = generate_one_time_password();
        let b = generate_one_time_password();
        assert_eq!(a.chars().count(), 16);
        assert_ne!(a, b);
        assert_eq!(character_classes(&a), 4);
        assert!(check_strength(&a).is_ok());
    }
}
