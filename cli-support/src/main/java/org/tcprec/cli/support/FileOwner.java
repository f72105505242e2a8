package org.tcprec.cli.support;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Who gets the files tcprec writes: the user named with --owner USER[:GROUP], or else the user who
 * ran sudo (SUDO_UID, SUDO_GID), or else whoever runs tcprec. The files themselves stay mode 0600.
 */
public final class FileOwner {
    /** Where the owner came from, for the summary line. */
    public enum Source {
        OPTION,
        SUDO,
        PROCESS
    }

    private final String user;
    private final String group;
    private final Source source;

    private FileOwner(String user, String group, Source source) {
        this.user = user;
        this.group = group;
        this.source = source;
    }

    /** The process's own user: files are left as created. */
    public static final FileOwner PROCESS = new FileOwner(null, null, Source.PROCESS);

    /** From --owner when given, else from sudo's environment, else the process. */
    public static FileOwner of(String option) {
        if (option != null) {
            return parse(option);
        }
        String uid = System.getenv("SUDO_UID");
        String gid = System.getenv("SUDO_GID");
        if (uid != null && gid != null && uid.matches("\\d+") && gid.matches("\\d+")) {
            return new FileOwner(uid, gid, Source.SUDO);
        }
        return PROCESS;
    }

    /** USER[:GROUP], names or numbers; the names must exist (checked now, before any work). */
    static FileOwner parse(String option) {
        int colon = option.indexOf(':');
        String user = colon < 0 ? option : option.substring(0, colon);
        String group = colon < 0 ? null : option.substring(colon + 1);
        if (user.isEmpty() || (group != null && group.isEmpty())) {
            throw new UserError("--owner takes USER or USER:GROUP, not '" + option + "'");
        }
        FileOwner owner = new FileOwner(user, group, Source.OPTION);
        owner.principal();
        if (group != null) {
            owner.groupPrincipal();
        }
        return owner;
    }

    public Source source() {
        return source;
    }

    /** USER[:GROUP] as given (numbers under sudo), or null for the process's own user. */
    public String describe() {
        return user == null ? null : group == null ? user : user + ":" + group;
    }

    /** Makes {@code file} (not followed through a link) belong to this owner. */
    public void give(Path file) throws IOException {
        if (user == null) {
            return;
        }
        PosixFileAttributeView view =
                Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (group != null) {
            view.setGroup(groupPrincipal());
        }
        view.setOwner(principal());
    }

    private UserPrincipal principal() {
        try {
            return lookup().lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
            throw new UserError("--owner: no user " + user);
        } catch (IOException e) {
            throw new UserError("--owner: cannot look up user " + user + ": " + e.getMessage());
        }
    }

    private GroupPrincipal groupPrincipal() {
        try {
            return lookup().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new UserError("--owner: no group " + group);
        } catch (IOException e) {
            throw new UserError("--owner: cannot look up group " + group + ": " + e.getMessage());
        }
    }

    private static UserPrincipalLookupService lookup() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }
}
