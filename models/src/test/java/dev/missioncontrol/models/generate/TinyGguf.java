package dev.missioncontrol.models.generate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a tiny llama-architecture GGUF (v3) with random weights and a byte-fallback vocabulary, so tests can run the
 * real llama.cpp load-and-generate path without shipping a model. The text it produces is noise; only its shape is
 * constrained (by the caller's grammar).
 */
public final class TinyGguf {
    private static final int ALIGN = 32;
    private static final int T_UINT32 = 4, T_INT32 = 5, T_FLOAT32 = 6, T_STRING = 8, T_ARRAY = 9;
    private static final int GGML_F32 = 0;

    private TinyGguf() {}

    public static Path write(Path file, long seed) throws IOException {
        int embd = 64, heads = 4, ff = 128, layers = 2, ctx = 4096;
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
        }
        int vocab = tokens.size();

        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", "tiny-random");
        kv.put("llama.context_length", ctx);
        kv.put("llama.embedding_length", embd);
        kv.put("llama.block_count", layers);
        kv.put("llama.feed_forward_length", ff);
        kv.put("llama.attention.head_count", heads);
        kv.put("llama.attention.head_count_kv", heads);
        kv.put("llama.rope.dimension_count", embd / heads);
        kv.put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        kv.put("tokenizer.ggml.model", "llama");
        kv.put("tokenizer.ggml.tokens", tokens);
        float[] scores = new float[vocab];
        kv.put("tokenizer.ggml.scores", scores);
        kv.put(
                "tokenizer.ggml.token_type",
                types.stream().mapToInt(Integer::intValue).toArray());
        kv.put("tokenizer.ggml.bos_token_id", 1);
        kv.put("tokenizer.ggml.eos_token_id", 2);
        kv.put("tokenizer.ggml.unknown_token_id", 0);

        Map<String, long[]> tensors = new LinkedHashMap<>();
        tensors.put("token_embd.weight", new long[] {embd, vocab});
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            tensors.put(p + "attn_norm.weight", new long[] {embd});
            tensors.put(p + "attn_q.weight", new long[] {embd, embd});
            tensors.put(p + "attn_k.weight", new long[] {embd, embd});
            tensors.put(p + "attn_v.weight", new long[] {embd, embd});
            tensors.put(p + "attn_output.weight", new long[] {embd, embd});
            tensors.put(p + "ffn_norm.weight", new long[] {embd});
            tensors.put(p + "ffn_gate.weight", new long[] {embd, ff});
            tensors.put(p + "ffn_up.weight", new long[] {embd, ff});
            tensors.put(p + "ffn_down.weight", new long[] {ff, embd});
        }
        tensors.put("output_norm.weight", new long[] {embd});
        tensors.put("output.weight", new long[] {embd, vocab});

        ByteArrayOutputStream head = new ByteArrayOutputStream();
        u32(head, 0x46554747);
        u32(head, 3);
        u64(head, tensors.size());
        u64(head, kv.size());
        for (var e : kv.entrySet()) {
            str(head, e.getKey());
            value(head, e.getValue());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            str(head, e.getKey());
            u32(head, e.getValue().length);
            for (long d : e.getValue()) {
                u64(head, d);
            }
            u32(head, GGML_F32);
            u64(head, offset);
            offsets.add(offset);
            offset = align(offset + 4 * count(e.getValue()));
        }
        Random random = new Random(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] h = head.toByteArray();
            out.write(h);
            out.write(new byte[(int) (align(h.length) - h.length)]);
            long written = 0;
            int i = 0;
            for (var e : tensors.entrySet()) {
                out.write(new byte[(int) (offsets.get(i++) - written)]);
                long n = count(e.getValue());
                ByteBuffer buf = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
                boolean norm = e.getKey().endsWith("norm.weight");
                for (long k = 0; k < n; k++) {
                    buf.putFloat(norm ? 1f : (float) (random.nextGaussian() * 0.05));
                }
                out.write(buf.array());
                written = offsets.get(i - 1) + 4 * n;
            }
        }
        return file;
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    private static long align(long x) {
        return (x + ALIGN - 1) / ALIGN * ALIGN;
    }

    @SuppressWarnings("unchecked")
    private static void value(ByteArrayOutputStream out, Object v) {
        switch (v) {
            case String s -> {
                u32(out, T_STRING);
                str(out, s);
            }
            case Integer i -> {
                u32(out, T_UINT32);
                u32(out, i);
            }
            case Float f -> {
                u32(out, T_FLOAT32);
                u32(out, Float.floatToIntBits(f));
            }
            case List<?> list -> {
                u32(out, T_ARRAY);
                u32(out, T_STRING);
                u64(out, list.size());
                ((List<String>) list).forEach(s -> str(out, s));
            }
            case float[] fs -> {
                u32(out, T_ARRAY);
                u32(out, T_FLOAT32);
                u64(out, fs.length);
                for (float f : fs) {
                    u32(out, Float.floatToIntBits(f));
                }
            }
            case int[] is -> {
                u32(out, T_ARRAY);
                u32(out, T_INT32);
                u64(out, is.length);
                for (int x : is) {
                    u32(out, x);
                }
            }
            default -> throw new IllegalArgumentException("Unsupported GGUF value " + v);
        }
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(out, b.length);
        out.writeBytes(b);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void u64(ByteArrayOutputStream out, long v) {
        out.writeBytes(
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
