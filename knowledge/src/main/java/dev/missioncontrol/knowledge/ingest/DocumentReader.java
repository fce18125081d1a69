package dev.missioncontrol.knowledge.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** Reads a user's document (Markdown, plain text or PDF) into Markdown text ready for chunking. */
public final class DocumentReader {
    /** Largest file accepted, to keep one ingestion from exhausting memory. */
    public static final long MAX_BYTES = 50L * 1024 * 1024;

    private DocumentReader() {}

    /**
     * A document as read.
     *
     * @param doc document id: the file name without extension, reduced to {@code [a-z0-9-]}
     * @param markdown its text (PDF and plain text carry no headings unless they had Markdown ones)
     */
    public record ReadDocument(String doc, Path source, String markdown) {}

    /**
     * Reads one file.
     *
     * @throws IngestException naming the file when it is missing, of an unsupported type, empty, not text, or a
     *     corrupt or encrypted PDF
     */
    public static ReadDocument read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IngestException(file + ": no such file.");
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        String stem = dot < 0 ? name : name.substring(0, dot);
        String doc = stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (doc.isEmpty()) {
            throw new IngestException(file + ": the file name gives no usable document id; rename it.");
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IngestException(file + ": larger than " + MAX_BYTES / (1024 * 1024) + " MB; split it.");
            }
            String text =
                    switch (ext) {
                        case "md", "markdown", "txt", "text" -> text(file);
                        case "pdf" -> pdf(file);
                        default ->
                            throw new IngestException(file + ": unsupported file type '." + ext + "'. Supported: .md,"
                                    + " .markdown, .txt, .pdf.");
                    };
            if (text.isBlank()) {
                throw new IngestException(file + ": contains no text"
                        + (ext.equals("pdf") ? " (is it a scanned" + " image? Run OCR first)." : "."));
            }
            return new ReadDocument(doc, file, text.strip() + "\n");
        } catch (IOException e) {
            throw new IngestException(file + ": cannot be read (" + e.getMessage() + ").", e);
        }
    }

    private static String text(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IngestException(file + ": is not UTF-8 text. Convert it to UTF-8 (or export it as PDF).");
        }
        long control = text.chars()
                .filter(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')
                .count();
        if (control > Math.max(8, text.length() / 100)) {
            throw new IngestException(file + ": looks like a binary file, not text.");
        }
        return text;
    }

    private static String pdf(Path file) throws IOException {
        try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            stripper.setParagraphStart("\n");
            return stripper.getText(pdf);
        } catch (InvalidPasswordException e) {
            throw new IngestException(file + ": is an encrypted PDF; remove the password first.", e);
        } catch (IOException e) {
            throw new IngestException(file + ": is not a readable PDF (" + e.getMessage() + ").", e);
        }
    }
}
