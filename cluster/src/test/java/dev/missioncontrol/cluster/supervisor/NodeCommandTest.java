package dev.missioncontrol.cluster.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCommandTest {
    @TempDir
    Path dir;

    @Test
    void aJarClassPathGetsAnArchiveNamedAfterItAndOlderArchivesGo() throws Exception {
        Path jar = Files.writeString(dir.resolve("mission-control.jar"), "not really a jar");
        Path node = Files.createDirectories(dir.resolve("n1"));
        Path stale = Files.writeString(node.resolve("jvm-classes-00000000.jsa"), "from an older jar");

        Path archive = archiveOf(NodeCommand.classArchive(node, jar.toString()));
        assertThat(archive.getParent()).isEqualTo(node.toAbsolutePath());
        assertThat(archive.getFileName().toString()).matches("jvm-classes-[0-9a-f]{8}\\.jsa");
        assertThat(stale).doesNotExist();
        assertThat(NodeCommand.classArchive(node, jar.toString())).contains("-XX:+AutoCreateSharedArchive");

        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertThat(archiveOf(NodeCommand.classArchive(node, jar.toString())))
                .as("a rebuilt jar has its own archive")
                .isNotEqualTo(archive);
    }

    @Test
    void aFileThatIsNoArchiveIsRemovedSoTheJdkWritesOneAgain() throws Exception {
        Path jar = Files.writeString(dir.resolve("mission-control.jar"), "jar");
        Path node = Files.createDirectories(dir.resolve("n1"));
        Path archive = archiveOf(NodeCommand.classArchive(node, jar.toString()));

        // A real archive, written by this JDK (a JVM that only prints its version still archives its classes).
        Process dump = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:ArchiveClassesAtExit=" + archive,
                        "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off",
                        "-version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(dump.waitFor()).isZero();
        assertThat(archive).isNotEmptyFile();
        NodeCommand.classArchive(node, jar.toString());
        assertThat(archive).as("a real archive is kept").isNotEmptyFile();

        Files.write(archive, Arrays.copyOf(Files.readAllBytes(archive), 64));
        NodeCommand.classArchive(node, jar.toString());
        assertThat(archive)
                .as("a truncated archive is left to the JDK, which writes it again")
                .exists();

        Files.writeString(archive, "garbage");
        NodeCommand.classArchive(node, jar.toString());
        assertThat(archive).doesNotExist();
    }

    @Test
    void classesFromDirectoriesCannotBeArchived() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "jar");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(NodeCommand.classArchive(dir, jar + File.pathSeparator + classes))
                .isEmpty();
        assertThat(NodeCommand.classArchive(dir, "")).isEmpty();
        assertThat(NodeCommand.classArchive(dir, dir.resolve("missing.jar").toString()))
                .isEmpty();
    }

    private static Path archiveOf(List<String> options) {
        return Path.of(options.stream()
                .filter(o -> o.startsWith("-XX:SharedArchiveFile="))
                .findFirst()
                .orElseThrow()
                .substring("-XX:SharedArchiveFile=".length()));
    }
}
