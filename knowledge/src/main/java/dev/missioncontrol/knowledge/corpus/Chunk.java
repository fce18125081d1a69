package dev.missioncontrol.knowledge.corpus;

/**
 * A retrievable piece of a document: one handbook section, or one window of a long section of an ingested document.
 *
 * @param id stable id, unique in the corpus (handbook ids are written in the Markdown as {@code {#id}})
 * @param doc document id: the file name without extension
 * @param title the document's title
 * @param section the heading the chunk sits under
 * @param text the chunk's text, without the heading
 */
public record Chunk(String id, String doc, String title, String section, String text) {}
