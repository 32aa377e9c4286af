import { Rule } from "./rule";
import { diagnostic } from "./support";

/** SS008: symbolic links under secrets/. */
export const symlink: Rule = {
  id: "SS008",
  severity: "error",
  title: "symlink",
  suppressible: false,
  explanation:
    "Discovery does not follow symbolic links under secrets/: a linked file or folder is never deployed, and a " +
    "link can point outside the repository (to a decrypted file in a home folder, for example) or make two " +
    "environments share one file without anyone noticing. Keep real files under secrets/.",
  check(context) {
    return context.discovery.strays
      .filter((s) => s.kind === "symlink")
      .map((s) =>
        diagnostic(
          symlink,
          s.path,
          "is a symbolic link; secret files and environment folders must be real files and folders",
          `replace the link with the encrypted file itself (\`rm ${s.path}\`, then copy or \`git mv\` the real ` +
            "file into place); to share values between environments, encrypt them once per environment",
        ),
      );
  },
};
