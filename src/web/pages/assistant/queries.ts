// The assistant's server state: the conversation list (shared with the home page), one conversation with its
// messages, and renaming and deleting, both optimistic (undone if the server refuses).
import { type QueryClient, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Conversation, ConversationMessage } from "../../../features/assistant/assistant.schema";
import { api, isNotFound, ok } from "../../api";

export interface ConversationDetail {
  conversation: Conversation;
  messages: ConversationMessage[];
}

export const conversationKeys = {
  list: ["assistant", "conversations"] as const,
  one: (id: string) => ["assistant", "conversation", id] as const,
};

export const conversationsQuery = queryOptions({
  queryKey: conversationKeys.list,
  queryFn: async () => (await ok(api.GET("/api/assistant/conversations"))).conversations,
});

export const conversationQuery = (id: string) =>
  queryOptions({
    queryKey: conversationKeys.one(id),
    queryFn: async (): Promise<ConversationDetail> =>
      ok(api.GET("/api/assistant/conversations/{id}", { params: { path: { id } } })),
  });

function editList(client: QueryClient, change: (list: Conversation[]) => Conversation[]) {
  client.setQueryData<Conversation[]>(conversationKeys.list, (list) => (list ? change(list) : list));
}

/** Puts a conversation at the top of the list (a new one, or one just asked in). */
export function touchConversation(client: QueryClient, conversation: Conversation) {
  editList(client, (list) => [conversation, ...list.filter((c) => c.id !== conversation.id)]);
}

/**
 * Writes a finished turn into a conversation's cached messages: `keep` earlier messages stay, the turn's two
 * follow. The server stores the turn as it ends, a moment after its last event, so reading it back at once
 * could find it unfinished; the cache holds the page's own copy until the next read.
 */
export function putTurn(client: QueryClient, id: string, keep: number, messages: ConversationMessage[]) {
  const key = conversationKeys.one(id);
  client.setQueryData<ConversationDetail>(key, (detail) =>
    detail ? { ...detail, messages: [...detail.messages.slice(0, keep), ...messages] } : detail,
  );
  void client.invalidateQueries({ queryKey: key, refetchType: "none" });
}

/** Renames a conversation: the new title shows at once, and the old one comes back if the server refuses. */
export function useRenameConversation(onFailed: (error: unknown) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, title }: { id: string; title: string }) =>
      ok(api.PATCH("/api/assistant/conversations/{id}", { params: { path: { id } }, body: { title } })),
    onMutate: async ({ id, title }) => {
      await client.cancelQueries({ queryKey: conversationKeys.list });
      const list = client.getQueryData<Conversation[]>(conversationKeys.list);
      const one = client.getQueryData<ConversationDetail>(conversationKeys.one(id));
      editList(client, (all) => all.map((c) => (c.id === id ? { ...c, title } : c)));
      if (one) client.setQueryData(conversationKeys.one(id), { ...one, conversation: { ...one.conversation, title } });
      return { list, one };
    },
    onError: (error, { id }, context) => {
      if (context?.list) client.setQueryData(conversationKeys.list, context.list);
      const one = client.getQueryData<ConversationDetail>(conversationKeys.one(id));
      if (context?.one && one) {
        client.setQueryData(conversationKeys.one(id), { ...one, conversation: context.one.conversation });
      }
      onFailed(error);
    },
    onSuccess: (conversation) => {
      editList(client, (all) => all.map((c) => (c.id === conversation.id ? conversation : c)));
      const one = client.getQueryData<ConversationDetail>(conversationKeys.one(conversation.id));
      if (one) client.setQueryData(conversationKeys.one(conversation.id), { ...one, conversation });
    },
    onSettled: () => client.invalidateQueries({ queryKey: conversationKeys.list }),
  });
}

/** Deletes a conversation: it leaves the list at once, and comes back if the server refuses. */
export function useDeleteConversation(onFailed: (conversation: Conversation, error: unknown) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (conversation: Conversation) => {
      try {
        await ok(api.DELETE("/api/assistant/conversations/{id}", { params: { path: { id: conversation.id } } }));
      } catch (e) {
        // Already gone is what was asked for.
        if (!isNotFound(e)) throw e;
      }
    },
    onMutate: async (conversation) => {
      await client.cancelQueries({ queryKey: conversationKeys.list });
      const list = client.getQueryData<Conversation[]>(conversationKeys.list);
      editList(client, (all) => all.filter((c) => c.id !== conversation.id));
      return { list };
    },
    onError: (error, conversation, context) => {
      if (context?.list) client.setQueryData(conversationKeys.list, context.list);
      onFailed(conversation, error);
    },
    onSuccess: (_data, conversation) => client.removeQueries({ queryKey: conversationKeys.one(conversation.id) }),
    onSettled: () => client.invalidateQueries({ queryKey: conversationKeys.list }),
  });
}
