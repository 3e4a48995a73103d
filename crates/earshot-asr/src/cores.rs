//! The cores this process may run on, which are not always the machine's.
//!
//! An affinity mask (`taskset`, a container's cpuset, a desktop pinned by its VDI broker) or a
//! CPU quota (a cgroup's `cpu.max` / `cpu.cfs_quota_us`, Docker's `--cpus`) leaves a process
//! fewer cores than `/proc/cpuinfo` lists. whisper.cpp's threads wait for each other at a
//! spinning barrier after every step of a decode, so a decode given more threads than the cores
//! it may use waits for a descheduled thread at every step: pinned to one CPU of this 2-core
//! machine, `earshot analyze --threads 2` took 134.7 s where one thread took 6.5 s, and a live
//! call's finals (widened to the machine's 2 cores) came 31–107 s late. So every thread count
//! starts from [`Cores::physical`]: the physical cores among the CPUs in this process's affinity
//! mask, no more than its CPU quota allows (what [`std::thread::available_parallelism`] reads).
//!
//! Read once per process (a mask changed later by `taskset -p` is not seen). Hand-written over
//! sysfs rather than taken from a crate: `num_cpus::get_physical` counts every core of the
//! machine whatever the mask, and a topology library (hwloc) is a native dependency for four
//! small files.

use std::sync::OnceLock;

/// The CPUs this process may run on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cores {
    /// Logical CPU ids in this process's affinity mask, ascending (Linux; `None` elsewhere or
    /// when the mask cannot be read).
    pub cpus: Option<Vec<usize>>,
    /// Physical cores this process may keep busy at once: those among [`Cores::cpus`], no more
    /// than its CPU quota allows; at least one.
    pub physical: usize,
}

/// This process's cores, read on first use.
pub fn cores() -> &'static Cores {
    static CORES: OnceLock<Cores> = OnceLock::new();
    CORES.get_or_init(Cores::read)
}

impl Cores {
    /// Reads the affinity mask, the cores behind it and the quota now.
    pub fn read() -> Cores {
        let cpus = affinity();
        let in_mask = cpus.as_deref().and_then(|c| count_cores(c, core_of));
        let parallelism = std::thread::available_parallelism().map_or(1, |n| n.get());
        Cores {
            physical: physical(
                in_mask,
                cpus.as_ref().map(Vec::len),
                num_cpus::get_physical(),
                parallelism,
            ),
            cpus,
        }
    }
}

/// Physical cores usable: those in the mask (`in_mask`, else the machine's `machine` but no
/// more than the mask's `mask_len` CPUs), no more than `parallelism` (the mask's CPUs capped by
/// the quota); at least one.
fn physical(
    in_mask: Option<usize>,
    mask_len: Option<usize>,
    machine: usize,
    parallelism: usize,
) -> usize {
    let cores = in_mask.unwrap_or_else(|| mask_len.map_or(machine, |n| machine.min(n)));
    cores.min(parallelism).max(1)
}

/// Distinct physical cores behind `cpus`, given each CPU's (package, core) pair; `None` if any
/// is unknown.
fn count_cores(cpus: &[usize], core_of: impl Fn(usize) -> Option<(u32, u32)>) -> Option<usize> {
    let mut seen = std::collections::BTreeSet::new();
    for &cpu in cpus {
        seen.insert(core_of(cpu)?);
    }
    (!seen.is_empty()).then_some(seen.len())
}

/// A CPU's (package, core) pair from sysfs.
#[cfg(target_os = "linux")]
fn core_of(cpu: usize) -> Option<(u32, u32)> {
    let read = |file: &str| -> Option<u32> {
        std::fs::read_to_string(format!("/sys/devices/system/cpu/cpu{cpu}/topology/{file}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    Some((read("physical_package_id")?, read("core_id")?))
}

#[cfg(not(target_os = "linux"))]
fn core_of(_: usize) -> Option<(u32, u32)> {
    None
}

/// The logical CPUs in this process's affinity mask.
#[cfg(target_os = "linux")]
fn affinity() -> Option<Vec<usize>> {
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the kernel writes at most the size given into the set.
    let got =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if got != 0 {
        return None;
    }
    let cpus: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE, the set's capacity.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect();
    (!cpus.is_empty()).then_some(cpus)
}

#[cfg(not(target_os = "linux"))]
fn affinity() -> Option<Vec<usize>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_are_counted_among_the_cpus_this_process_may_use() {
        // 4 cores with two hyper-threads each: CPU n and n+4 share core n.
        let ht = |cpu: usize| Some((0, (cpu % 4) as u32));
        assert_eq!(count_cores(&[0, 1, 2, 3, 4, 5, 6, 7], ht), Some(4));
        // Pinned to two siblings of one core: one core.
        assert_eq!(count_cores(&[0, 4], ht), Some(1));
        assert_eq!(count_cores(&[0, 1], ht), Some(2));
        // Two packages whose core ids repeat: four cores, not two.
        let two = |cpu: usize| Some(((cpu / 2) as u32, (cpu % 2) as u32));
        assert_eq!(count_cores(&[0, 1, 2, 3], two), Some(4));
        // A CPU whose topology is unknown: no count.
        assert_eq!(count_cores(&[0, 9], |c| (c < 8).then_some((0, 0))), None);
        assert_eq!(count_cores(&[], ht), None);
    }

    #[test]
    fn the_mask_and_the_quota_both_cap_the_machine_s_cores() {
        // Nothing restricts a 2-core machine.
        assert_eq!(physical(Some(2), Some(2), 2, 2), 2);
        // Hyper-threads: 8 logical CPUs, 4 cores.
        assert_eq!(physical(Some(4), Some(8), 4, 8), 4);
        // `taskset -c 0`.
        assert_eq!(physical(Some(1), Some(1), 2, 1), 1);
        // A 2-CPU quota on a 32-core host.
        assert_eq!(physical(Some(32), Some(64), 32, 2), 2);
        // Topology unknown: the machine's cores, no more than the mask's CPUs.
        assert_eq!(physical(None, Some(3), 16, 3), 3);
        assert_eq!(physical(None, None, 8, 16), 8);
        // Never none.
        assert_eq!(physical(None, None, 0, 0), 1);
    }
}
