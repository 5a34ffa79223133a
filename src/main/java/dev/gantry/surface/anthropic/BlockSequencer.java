package dev.gantry.surface.anthropic;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.provider.ToolCallIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns canonical chunks into Anthropic content blocks: sequential, indexed from 0, each one
 * started, given its deltas and stopped before the next starts (PROTOCOLS.md section 2.4).
 *
 * <p>Canonical tool-call fragments may interleave by call index, but Anthropic blocks may not, and
 * a stopped block cannot take more input. So the first tool call streams live, and whatever
 * arrives while its block is open (another call, more text) is held and emitted as whole blocks
 * once the answer finishes. Upstreams send parallel calls one after the other in practice, so the
 * held part is the short tail of an answer, never its text.
 */
final class BlockSequencer {

    /** Receives the block events in order. */
    interface Blocks {
        void startText(int index);

        void startThinking(int index);

        void startToolUse(int index, String id, String name);

        void textDelta(int index, String text);

        void thinkingDelta(int index, String thinking);

        void inputJsonDelta(int index, String partialJson);

        void stop(int index);
    }

    private enum Kind { TEXT, THINKING, TOOL }

    private static final class Call {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
        boolean emitted;
    }

    /** Something that arrived while the live tool block was open. */
    private record Held(Kind kind, StringBuilder text, Call call) {}

    private final Blocks out;
    private final boolean showThinking;
    private final Map<Integer, Call> calls = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private Kind open;
    private int index = -1;
    private Call live;
    private boolean anyToolUse;

    /** @param showThinking whether reasoning becomes thinking blocks (the client enabled thinking) or is left out */
    BlockSequencer(Blocks out, boolean showThinking) {
        this.out = out;
        this.showThinking = showThinking;
    }

    void accept(ChatChunk chunk) {
        if (showThinking && chunk.reasoning() != null && !chunk.reasoning().isEmpty()) {
            content(Kind.THINKING, chunk.reasoning());
        }
        if (chunk.hasText()) {
            content(Kind.TEXT, chunk.text());
        }
        for (ToolCallDelta d : chunk.toolCalls()) {
            toolCall(d);
        }
        if (chunk.finish() != null) {
            finish();
        }
    }

    /** Closes the open block and emits everything held. Safe to call more than once. */
    void finish() {
        closeOpen();
        live = null;
        for (Held h : held) {
            if (h.kind() == Kind.TOOL) {
                emitWhole(h.call());
            } else {
                open(h.kind());
                delta(h.kind(), h.text().toString());
                closeOpen();
            }
        }
        held.clear();
    }

    /** Whether any block has been started. */
    boolean anyBlock() {
        return index >= 0;
    }

    /** Anthropic's {@code stop_reason} for a canonical finish (PROTOCOLS.md section 5.8). */
    String stopReason(FinishReason finish) {
        if (finish == null) {
            return anyToolUse ? "tool_use" : "end_turn";
        }
        return switch (finish) {
            case TOOL_CALLS -> "tool_use";
            case LENGTH -> "max_tokens";
            case CONTENT_FILTER -> "refusal";
            // Upstreams that end a tool-calling turn with a plain stop (Ollama) still mean tool use.
            case STOP, ERROR -> anyToolUse ? "tool_use" : "end_turn";
        };
    }

    private void content(Kind kind, String text) {
        if (live != null) {
            Held last = held.isEmpty() ? null : held.get(held.size() - 1);
            if (last != null && last.kind() == kind) {
                last.text().append(text);
            } else {
                held.add(new Held(kind, new StringBuilder(text), null));
            }
            return;
        }
        if (open != kind) {
            closeOpen();
            open(kind);
        }
        delta(kind, text);
    }

    private void toolCall(ToolCallDelta d) {
        Call call = calls.get(d.index());
        if (call == null) {
            call = new Call();
            calls.put(d.index(), call);
            if (live != null) {
                held.add(new Held(Kind.TOOL, null, call));
            }
        }
        if (d.id() != null) {
            call.id = d.id();
        }
        if (d.name() != null) {
            call.name = d.name();
        }
        String fragment = d.argumentsFragment();
        if (call == live) {
            if (fragment != null && !fragment.isEmpty()) {
                out.inputJsonDelta(index, fragment);
            }
            return;
        }
        if (fragment != null) {
            call.arguments.append(fragment);
        }
        if (live == null && !call.emitted) {
            // The first call while no tool block is open: it streams live from here on.
            closeOpen();
            startToolUse(call);
            live = call;
            if (!call.arguments.isEmpty()) {
                out.inputJsonDelta(index, call.arguments.toString());
                call.arguments.setLength(0);
            }
        }
        // A fragment for a call already emitted whole (after finish) cannot be placed; it is dropped.
    }

    private void emitWhole(Call call) {
        startToolUse(call);
        if (!call.arguments.isEmpty()) {
            out.inputJsonDelta(index, call.arguments.toString());
        }
        closeOpen();
    }

    private void startToolUse(Call call) {
        if (call.id == null) {
            call.id = ToolCallIds.synthesise();
        }
        call.emitted = true;
        anyToolUse = true;
        index++;
        open = Kind.TOOL;
        out.startToolUse(index, call.id, call.name == null ? "" : call.name);
    }

    private void open(Kind kind) {
        index++;
        open = kind;
        if (kind == Kind.TEXT) {
            out.startText(index);
        } else {
            out.startThinking(index);
        }
    }

    private void delta(Kind kind, String text) {
        if (kind == Kind.TEXT) {
            out.textDelta(index, text);
        } else {
            out.thinkingDelta(index, text);
        }
    }

    private void closeOpen() {
        if (open != null) {
            out.stop(index);
            open = null;
        }
    }
}
