// Produces one streamed answer after the response has started, and stores how it ended (however it ends).
import { type AiProvider, AiProviderError } from "@outpost/edge-kit/ai";
import {
  BudgetExceededError,
  createLanes,
  createSubrequestBudget,
  createTokenBucketQueue,
} from "@outpost/edge-kit/pacing";
import type { SseWriter } from "@outpost/edge-kit/sse";
import { getConfig } from "../../config";
import type { AppEnv } from "../../http/app-env";
import {
  type AssistantEvent,
  type AssistantStep,
  type ChatRequest,
  type Citation,
  MAX_TOKENS_CAP,
  type TurnStatus,
} from "./assistant.schema";
import { type Passage, TOOLS, type ToolContext } from "./assistant-tools";
import { answerStream, choosePassages } from "./compose-answer";
import { ConversationStore } from "./conversation-store";

/** Concurrent calls per upstream within one answer. */
const LANES = { d1: 3, rooms: 4, counters: 2, unfurl: 2 };
/** Outbound calls of one answer: 20 a second after a burst of 10, at most 6 at once (the platform's connection cap). */
const PACE = { ratePerSecond: 20, burst: 10, concurrency: 6 };

export interface AnswerJob {
  env: Env;
  userId: string;
  request: ChatRequest;
  conversationId: string;
  /** The stored answer's row, which the producer fills in when it ends (however it ends). */
  answerId: number;
  provider: AiProvider;
  requestId: string;
  logger: AppEnv["Variables"]["logger"];
  writer: SseWriter<AssistantEvent>;
}

function failure(error: unknown): { code: string; message: string } {
  if (error instanceof BudgetExceededError) {
    return { code: "budget-exhausted", message: "This question needed more lookups than one request may make." };
  }
  if (error instanceof AiProviderError) {
    return { code: "provider-failed", message: "The AI provider failed while answering. Try again shortly." };
  }
  return { code: "internal", message: "The answer could not be completed." };
}

/** The answer's steps as its `tool` events describe them, one per tool in the order they started. */
function createStepLog() {
  const steps = new Map<string, AssistantStep>();
  return {
    start(name: string) {
      steps.set(name, { name, state: "running" });
    },
    end(name: string, step: Omit<AssistantStep, "name" | "state">) {
      steps.set(name, { name, state: step.error ? "failed" : "done", ...step });
    },
    /** What to store: a tool still running when the answer ended was stopped with it. */
    final(): AssistantStep[] {
      return [...steps.values()].map((s) => (s.state === "running" ? { ...s, state: "stopped" } : s));
    },
  };
}

/**
 * Runs after the response has started: tools in parallel, citations, the answer's deltas, one terminal event.
 * However it ends (done, error, or the client gone: a failed write aborts `writer.signal`), `finally` stores
 * the answer so far with its steps, citations and status. It runs inside `ctx.waitUntil`, whose work the
 * runtime keeps for up to 30 s after the client disconnects
 * (https://developers.cloudflare.com/workers/runtime-apis/context/#waituntil): a quiet producer learns of the
 * disconnect by the next heartbeat (15 s) at the latest, well within that. Were it cut short anyway, the turn
 * was stored as `stopped` before the stream started.
 */
export async function produceAnswer(job: AnswerJob): Promise<void> {
  const { env, writer, logger } = job;
  const signal = writer.signal;
  const budget = createSubrequestBudget({
    limit: getConfig(env).SUBREQUEST_BUDGET,
    onWarn: (used, limit) => logger.warn("assistant subrequest budget at 80 %", { used, limit }),
  });
  const lanes = createLanes(LANES, 2);
  const pace = createTokenBucketQueue(PACE);
  const steps = createStepLog();
  let answer = "";
  let citations: Citation[] = [];
  let status: TurnStatus = "stopped";
  let saved = false;
  /** Stores the turn once. A terminal event is sent only after this, so a client that reads the
   *  conversation as soon as it sees `done` or `error` finds the turn as it ended. */
  const save = async () => {
    if (saved) return;
    saved = true;
    try {
      await new ConversationStore(env.DB).finishTurn(job.conversationId, job.answerId, {
        content: answer,
        citations,
        steps: steps.final(),
        status,
      });
    } catch (error) {
      logger.warn("conversation not saved", { error });
    }
  };
  try {
    await writer.send("status", {
      state: "searching",
      provider: job.provider.name,
      conversationId: job.conversationId,
    });
    const ctx: ToolContext = { env, userId: job.userId, question: job.request.message, lanes, budget, pace, signal };
    const found = await Promise.all(
      TOOLS.filter((tool) => tool.wanted(ctx)).map(async (tool): Promise<Passage[]> => {
        const started = Date.now();
        steps.start(tool.name);
        await writer.send("tool", { name: tool.name, phase: "start" });
        try {
          const passages = await tool.run(ctx);
          const end = { ms: Date.now() - started, results: passages.length };
          steps.end(tool.name, end);
          await writer.send("tool", { name: tool.name, phase: "end", ...end });
          return passages;
        } catch (error) {
          if (signal.aborted) throw error;
          logger.warn("assistant tool failed", { tool: tool.name, error });
          const reason = error instanceof BudgetExceededError ? "subrequest budget exhausted" : "failed";
          const end = { ms: Date.now() - started, results: 0, error: reason };
          steps.end(tool.name, end);
          await writer.send("tool", { name: tool.name, phase: "end", ...end });
          return [];
        }
      }),
    );
    if (signal.aborted) return;
    citations = choosePassages(found.flat());
    for (const citation of citations) await writer.send("citation", citation);
    await writer.send("status", {
      state: "answering",
      provider: job.provider.name,
      conversationId: job.conversationId,
    });
    if (job.provider.generative) budget.spend(`AI ${job.provider.name}`);
    const maxTokens = Math.min(job.request.maxTokens ?? 512, MAX_TOKENS_CAP);
    for await (const delta of answerStream(
      job.provider,
      job.request.message,
      job.request.history ?? [],
      citations,
      maxTokens,
      signal,
    )) {
      answer += delta;
      if (!(await writer.send("content", { delta }))) break;
    }
    if (signal.aborted) return;
    status = "complete";
    await save();
    await writer.done({
      conversationId: job.conversationId,
      usage: {
        outputChars: answer.length,
        events: writer.sent + 1,
        subrequests: budget.used,
        provider: job.provider.name,
      },
    });
  } catch (error) {
    if (signal.aborted) return;
    status = "failed";
    logger.error("assistant answer failed", { error });
    await save();
    await writer.error({ ...failure(error), requestId: job.requestId });
  } finally {
    await save();
    logger.info("assistant answer", {
      status,
      chars: answer.length,
      citations: citations.length,
      subrequests: budget.used,
    });
  }
}
