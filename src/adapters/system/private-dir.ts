import { lstatSync, mkdirSync } from 'node:fs';

/**
 * A directory Warp keeps private files in (sockets that answer with an agent's unread
 * messages, session records, hub locks and logs) that is not this user's alone. Nothing is
 * created in it, and nothing read from it is trusted.
 */
export class UntrustedDirectory extends Error {
  constructor(
    readonly dir: string,
    readonly problem: string,
  ) {
    super(
      `${dir} is not a private directory of yours: ${problem}. Other users could read or plant what Warp ` +
        'keeps there (session sockets and records, hub locks and logs), so Warp does not use it. ' +
        'Remove it (or, if it is yours, chmod 700 it; setfacl -b drops an ACL), ' +
        'or set WARP_RUNTIME_DIR to a directory of yours with mode 0700.',
    );
    this.name = 'UntrustedDirectory';
  }
}

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/**
 * Why `dir` is not a directory only this user can use, or undefined when it is: it must be a
 * directory itself (not a symbolic link), owned by this uid, with permission bits exactly 0700.
 *
 * The mode also rules out POSIX ACLs granting anyone else: with named entries an ACL has a
 * mask, the mask bounds every named user and group entry, and the mode's group bits show the
 * mask (acl(5)). At 0700 the mask and the other entry are empty, so an entry such as
 * `user:nobody:rwx` grants nothing. A default ACL only shapes what is created inside, and Warp
 * creates with modes 0700 and 0600, which empty the inherited mask in the same way. Node has
 * no xattr API and `getfacl` is often absent, so the ACL itself is not read: the mode is what
 * the kernel enforces. Not covered: ACLs that do not work through the mode (macOS's, NFSv4's),
 * and Windows, which has no uid or mode here (the endpoint is a named pipe there).
 */
export function privateDirProblem(dir: string): string | undefined {
  if (process.platform === 'win32' || !process.getuid) return undefined;
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  const me = process.getuid();
  const is = `owner uid ${stats.uid}, mode ${octal(stats.mode)}`;
  // A link could be pointed elsewhere after the check by whoever owns it.
  if (stats.isSymbolicLink()) return `it is a symbolic link (${is}); use the directory's own path`;
  if (!stats.isDirectory()) return `it is not a directory (${is})`;
  if (stats.uid !== me) return `it belongs to another user (${is}; you are uid ${me})`;
  // Set-group-id and sticky bits open nothing; a directory made inside a set-group-id one inherits the bit.
  if ((stats.mode & 0o777) !== 0o700)
    return `its mode lets others in (${is}; group and other bits, or the mask of an ACL, must be empty)`;
  return undefined;
}

/**
 * Creates `dir` with mode 0700 if it is missing, then makes sure it is private to this user
 * ({@link privateDirProblem}); throws {@link UntrustedDirectory} if not. An existing directory is
 * never loosened or taken over: `mkdir` leaves its mode as it is, which is why it is checked.
 * Once checked it stays private: only its owner (or root) can change its owner, mode or ACL, and
 * only whoever may write its parent can put another in its place (in a sticky /tmp, nobody else).
 *
 * @example
 * ensurePrivateDir(runtimeDir(env)); // then files may be made inside it
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const problem = privateDirProblem(dir);
  if (problem) throw new UntrustedDirectory(dir, problem);
}
