package dev.missioncontrol.knowledge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocumentReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsMarkdownTextAndPdf() throws Exception {
        Path md = Files.writeString(dir.resolve("Ops Notes.md"), "# Notes\n## Pass {#x}\nKiruna pass at 10:00.\n");
        assertThat(DocumentReader.read(md).doc()).isEqualTo("ops-notes");
        assertThat(DocumentReader.read(md).markdown()).contains("Kiruna pass");

        Path txt = Files.writeString(dir.resolve("memo.txt"), "Plain memo about the star tracker.");
        assertThat(DocumentReader.read(txt).markdown()).contains("star tracker");

        Path pdf = dir.resolve("bulletin.pdf");
        writePdf(pdf, "Reaction wheel 3 bearing temperature limit is 55 degC.");
        assertThat(DocumentReader.read(pdf).markdown()).contains("bearing temperature limit is 55 degC");
    }

    @Test
    void badFilesGetAnErrorNamingTheFile() throws Exception {
        Path missing = dir.resolve("nope.md");
        assertThatThrownBy(() -> DocumentReader.read(missing))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");

        Path docx = Files.writeString(dir.resolve("report.docx"), "x");
        assertThatThrownBy(() -> DocumentReader.read(docx)).hasMessageContaining("unsupported file type '.docx'");

        Path empty = Files.writeString(dir.resolve("empty.md"), "  \n\n");
        assertThatThrownBy(() -> DocumentReader.read(empty)).hasMessageContaining("contains no text");

        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'x'});
        assertThatThrownBy(() -> DocumentReader.read(latin1)).hasMessageContaining("not UTF-8");

        byte[] junk = new byte[4096];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (i % 7 == 0 ? 1 : 'a');
        }
        Path binary = Files.write(dir.resolve("blob.txt"), junk);
        assertThatThrownBy(() -> DocumentReader.read(binary)).hasMessageContaining("binary");

        Path corrupt = Files.writeString(dir.resolve("broken.pdf"), "%PDF-1.7 this is not really a pdf");
        assertThatThrownBy(() -> DocumentReader.read(corrupt))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining(corrupt.toString());
    }

    static void writePdf(Path file, String text) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
                cs.newLineAtOffset(50, 700);
                cs.showText(text);
                cs.endText();
            }
            doc.save(file.toFile());
        }
    }
}
