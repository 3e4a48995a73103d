//! The cores a real process may use, as the kernel restricts them: this test binary runs itself
//! again as a child under `taskset` (an affinity mask) and inside a cgroup with a CPU quota, and
//! the child reports what [`earshot_asr::cores`] read. The control is the same child with no
//! restriction, which must see the machine's cores. Linux (`taskset`, cgroups).
#![cfg(target_os = "linux")]

use earshot_asr::cores::{cores, Cores};
use std::process::Command;

/// Set in the child: print what it reads and stop.
const CHILD: &str = "EARSHOT_CORES_CHILD";

/// In the child, prints `physical=N cpus=a,b,…`; in the parent, checks that the cached reading
/// is a fresh one's.
#[test]
fn report() {
    let c = cores();
    if std::env::var_os(CHILD).is_some() {
        let cpus = c.cpus.as_ref().expect("Linux reads the affinity mask");
        let ids: Vec<String> = cpus.iter().map(|c| c.to_string()).collect();
        println!("physical={} cpus={}", c.physical, ids.join(","));
    } else {
        assert_eq!(c, &Cores::read());
        assert!(c.physical >= 1);
    }
}

/// Runs `prefix… <this test binary> report` as a child; its (physical, cpus).
fn child(prefix: &[&str]) -> (usize, Vec<usize>) {
    let exe = std::env::current_exe().expect("test binary");
    let (program, args) = prefix.split_first().expect("a program");
    let out = Command::new(program)
        .args(args)
        .arg(&exe)
        .args(["--exact", "report", "--nocapture", "--test-threads", "1"])
        .env(CHILD, "1")
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("physical=").map(|(_, r)| r))
        .unwrap_or_else(|| panic!("no report in {stdout}"));
    let (physical, cpus) = line.split_once(" cpus=").expect("cpus");
    (
        physical.parse().expect("a count"),
        cpus.split(',').map(|c| c.parse().expect("an id")).collect(),
    )
}

#[test]
fn a_process_pinned_to_one_cpu_gets_one_core() {
    let all = Cores::read();
    let (physical, cpus) = child(&["env"]);
    assert_eq!(
        physical, all.physical,
        "unrestricted, the child sees this machine's cores"
    );
    assert_eq!(Some(cpus), all.cpus);
    let first = all.cpus.as_ref().expect("mask")[0].to_string();
    let (physical, cpus) = child(&["taskset", "-c", &first]);
    assert_eq!(cpus, vec![first.parse::<usize>().unwrap()]);
    assert_eq!(physical, 1, "pinned to one CPU, one core");
    if all.physical < 2 {
        eprintln!("one core here: the pinned and the free child cannot differ");
    }
}

/// A cgroup (v2 or v1) this test made, removed when dropped.
struct Cgroup {
    dir: std::path::PathBuf,
}

impl Cgroup {
    /// A cgroup allowing `cpus` CPUs' time, or why none could be made here.
    fn with_quota(cpus: u32) -> Result<Cgroup, String> {
        let name = format!("earshot-cores-test-{}", std::process::id());
        let period = 100_000;
        let quota = cpus * period;
        let v2 = std::path::Path::new("/sys/fs/cgroup/cgroup.controllers");
        let (dir, files): (_, Vec<(&str, String)>) = if v2.exists() {
            let dir = std::path::Path::new("/sys/fs/cgroup").join(&name);
            (dir, vec![("cpu.max", format!("{quota} {period}"))])
        } else {
            let dir = std::path::Path::new("/sys/fs/cgroup/cpu").join(&name);
            (
                dir,
                vec![
                    ("cpu.cfs_period_us", period.to_string()),
                    ("cpu.cfs_quota_us", quota.to_string()),
                ],
            )
        };
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let group = Cgroup { dir };
        for (file, value) in files {
            let path = group.dir.join(file);
            std::fs::write(&path, value).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(group)
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[test]
fn a_process_with_a_one_cpu_quota_gets_one_core() {
    let all = Cores::read();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: no cgroup can be made here; the quota is not tested");
        return;
    }
    let group = Cgroup::with_quota(1).expect("root makes a cgroup with a CPU quota");
    let procs = group.dir.join("cgroup.procs");
    let enter = format!("echo $$ > {} && exec \"$@\"", procs.display());
    let (physical, cpus) = child(&["sh", "-c", &enter, "sh"]);
    assert_eq!(physical, 1, "a one-CPU quota leaves one core");
    assert_eq!(Some(cpus), all.cpus, "the quota leaves the mask as it was");
    // Control: the same shell without the cgroup.
    let (physical, _) = child(&["sh", "-c", "exec \"$@\"", "sh"]);
    assert_eq!(physical, all.physical);
}
