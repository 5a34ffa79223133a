package dev.gantry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockSequencerTest {

    /** Records block events as short strings, e.g. {@code start0:text}, {@code json1:{"a"}, {@code stop1}. */
    private static final class Recorder implements BlockSequencer.Blocks {
        final List<String> events = new ArrayList<>();

        @Override
        public void startText(int index) {
            events.add("start" + index + ":text");
        }

        @Override
        public void startThinking(int index) {
            events.add("start" + index + ":thinking");
        }

        @Override
        public void startToolUse(int index, String id, String name) {
            events.add("start" + index + ":tool:" + id + ":" + name);
        }

        @Override
        public void textDelta(int index, String text) {
            events.add("text" + index + ":" + text);
        }

        @Override
        public void thinkingDelta(int index, String thinking) {
            events.add("think" + index + ":" + thinking);
        }

        @Override
        public void inputJsonDelta(int index, String partialJson) {
            events.add("json" + index + ":" + partialJson);
        }

        @Override
        public void stop(int index) {
            events.add("stop" + index);
        }
    }

    private static ChatChunk calls(ToolCallDelta... deltas) {
        return new ChatChunk(null, null, List.of(deltas), null, null);
    }

    private static ChatChunk finish(FinishReason reason) {
        return new ChatChunk(null, null, List.of(), reason, null);
    }

    @Test
    void textThenFragmentedCallsBecomeSequentialBlocks() {
        Recorder r = new Recorder();
        BlockSequencer s = new BlockSequencer(r, false);

        s.accept(ChatChunk.text("Hi"));
        s.accept(ChatChunk.text(" there"));
        s.accept(calls(new ToolCallDelta(0, "call_a", "f", "")));
        s.accept(calls(new ToolCallDelta(0, null, null, "{\"x\":")));
        s.accept(calls(new ToolCallDelta(0, null, null, "1}")));
        s.accept(finish(FinishReason.TOOL_CALLS));

        assertThat(r.events).containsExactly("start0:text", "text0:Hi", "text0: there", "stop0",
                "start1:tool:call_a:f", "json1:{\"x\":", "json1:1}", "stop1");
        assertThat(s.stopReason(FinishReason.TOOL_CALLS)).isEqualTo("tool_use");
    }

    @Test
    void interleavedParallelCallsNeverInterleaveBlocks() {
        Recorder r = new Recorder();
        BlockSequencer s = new BlockSequencer(r, false);

        s.accept(calls(new ToolCallDelta(0, "call_a", "f", "{\"a\"")));
        s.accept(calls(new ToolCallDelta(1, "call_b", "g", "{\"b\"")));
        s.accept(calls(new ToolCallDelta(0, null, null, ":1}")));
        s.accept(calls(new ToolCallDelta(1, null, null, ":2}")));
        s.accept(finish(FinishReason.TOOL_CALLS));

        assertThat(r.events).containsExactly("start0:tool:call_a:f", "json0:{\"a\"", "json0::1}", "stop0",
                "start1:tool:call_b:g", "json1:{\"b\":2}", "stop1");
    }

    @Test
    void textAfterAnOpenToolBlockIsHeldUntilTheEnd() {
        Recorder r = new Recorder();
        BlockSequencer s = new BlockSequencer(r, false);

        s.accept(calls(new ToolCallDelta(0, "call_a", "f", "{}")));
        s.accept(ChatChunk.text("done"));
        s.accept(ChatChunk.text("!"));
        s.finish();
        s.finish();

        assertThat(r.events).containsExactly("start0:tool:call_a:f", "json0:{}", "stop0", "start1:text", "text1:done!", "stop1");
    }

    @Test
    void aWholeCallWithoutIdGetsOneAndNoArgumentsMeansNoDelta() {
        Recorder r = new Recorder();
        BlockSequencer s = new BlockSequencer(r, false);

        s.accept(calls(new ToolCallDelta(0, null, "now", null)));
        s.finish();

        assertThat(r.events).hasSize(2);
        assertThat(r.events.get(0)).matches("start0:tool:call_[A-Za-z0-9]{24}:now");
        assertThat(r.events.get(1)).isEqualTo("stop0");
    }

    @Test
    void reasoningIsAThinkingBlockOnlyWhenTheClientAskedForThinking() {
        Recorder shown = new Recorder();
        BlockSequencer on = new BlockSequencer(shown, true);
        Recorder hidden = new Recorder();
        BlockSequencer off = new BlockSequencer(hidden, false);
        ChatChunk thought = new ChatChunk(null, "hmm", List.of(), null, null);

        for (BlockSequencer s : List.of(on, off)) {
            s.accept(thought);
            s.accept(ChatChunk.text("answer"));
            s.finish();
        }

        assertThat(shown.events).containsExactly("start0:thinking", "think0:hmm", "stop0", "start1:text", "text1:answer", "stop1");
        assertThat(hidden.events).containsExactly("start0:text", "text0:answer", "stop0");
    }

    @Test
    void stopReasonsFollowTheMappingTable() {
        BlockSequencer plain = new BlockSequencer(new Recorder(), false);
        assertThat(plain.stopReason(FinishReason.STOP)).isEqualTo("end_turn");
        assertThat(plain.stopReason(null)).isEqualTo("end_turn");
        assertThat(plain.stopReason(FinishReason.LENGTH)).isEqualTo("max_tokens");
        assertThat(plain.stopReason(FinishReason.CONTENT_FILTER)).isEqualTo("refusal");
        assertThat(plain.stopReason(FinishReason.ERROR)).isEqualTo("end_turn");

        BlockSequencer withCall = new BlockSequencer(new Recorder(), false);
        withCall.accept(calls(new ToolCallDelta(0, "c", "f", "{}")));
        assertThat(withCall.stopReason(FinishReason.STOP)).as("a plain stop after a call (Ollama)").isEqualTo("tool_use");
    }
}
