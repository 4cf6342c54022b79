//! A stand-in for a chapter's own binary, as the program a section starts:
//! a shell script, so a test can make a child die the way the world can
//! (killed by a signal, gone before it said a word) on every run.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// An executable `/bin/sh` script in a directory of its own, removed on
/// drop.
pub struct Script {
    dir: PathBuf,
    path: PathBuf,
}

impl Script {
    /// A script called `name` whose body (after `#!/bin/sh`) is `body`.
    pub fn new(name: &str, body: &str) -> Script {
        static NEXT: std::sync::atomic::AtomicU32 =
            std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join(format!("testkit-script-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("the script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("an executable script");
        Script { dir, path }
    }

    /// A program that is killed by SIGKILL the moment it starts, saying
    /// nothing: as the OOM killer or someone's `kill -9` ends a child.
    pub fn killed_at_once() -> Script {
        Script::new("killed-at-once", "kill -9 $$")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
