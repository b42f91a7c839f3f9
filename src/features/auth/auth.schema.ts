// Account and session shapes, shared by the routes, the service and the UI (client-side validation).
import { z } from "@hono/zod-openapi";
import { text } from "@outpost/edge-kit/text";
import { isCommonPassword } from "./common-passwords";

const ROLES = ["member", "admin"] as const;
const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Trimmed, NFC, lower case: the form emails are stored and compared in. */
export function normaliseEmail(email: string): string {
  return email.trim().normalize("NFC").toLowerCase();
}

const EmailSchema = text()
  .max(254)
  .transform(normaliseEmail)
  .pipe(z.email("must be an email address"))
  .openapi({ example: "ada@example.com" });

/** ASVS 5.0 6.2.1/6.2.9: at least 8 characters, long passphrases allowed, no well-known passwords. */
const NewPasswordSchema = text()
  .min(8, "must be at least 8 characters")
  .max(128, "must be at most 128 characters")
  .refine((password) => !isCommonPassword(password), "is too common; choose another")
  .openapi({ example: "correct horse battery staple" });

/** A password being checked (login, confirmation): only bounded, never policy-checked. */
const PresentedPasswordSchema = text().min(1, "is required").max(128);

/** No control or format characters (e.g. U+202E, the right-to-left override), 1–64 characters. */
const DisplayNameSchema = text()
  .transform((name) => name.trim().normalize("NFC"))
  .pipe(
    z
      .string()
      .min(1, "is required")
      .max(64, "must be at most 64 characters")
      .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), "must not contain control characters"),
  )
  .openapi({ example: "Ada Lovelace" });

export const RegisterBodySchema = z
  .strictObject({ email: EmailSchema, password: NewPasswordSchema, displayName: DisplayNameSchema })
  .openapi("RegisterBody");

export const LoginBodySchema = z
  .strictObject({
    email: EmailSchema,
    password: PresentedPasswordSchema,
    /** `cookie` (default, browsers) sets an HttpOnly cookie; `bearer` returns the token for API clients. */
    transport: z.enum(["cookie", "bearer"]).default("cookie"),
  })
  .openapi("LoginBody");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("User");
export type User = z.infer<typeof UserSchema>;

export const AuthResultSchema = z
  .object({
    user: UserSchema,
    session: z.object({ id: z.string(), expiresAt: z.string() }),
    token: z.string().optional().openapi({ description: "Only with transport=bearer" }),
  })
  .openapi("AuthResult");

export const PrincipalSchema = z
  .object({ sessionId: z.string(), userId: z.string(), role: RoleSchema, via: z.enum(["cookie", "bearer"]) })
  .openapi("Principal");

export const SessionViewSchema = z
  .object({
    id: z.string(),
    current: z.boolean(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    userAgent: z.string(),
  })
  .openapi("Session");

export const UpdateMeBodySchema = z
  .strictObject({
    displayName: DisplayNameSchema.optional(),
    password: z.strictObject({ current: PresentedPasswordSchema, next: NewPasswordSchema }).optional(),
  })
  .refine((body) => body.displayName !== undefined || body.password !== undefined, "nothing to change")
  .openapi("UpdateMe");

export const AdminUpdateUserBodySchema = z
  .strictObject({ role: RoleSchema.optional(), disabled: z.boolean().optional() })
  .refine((body) => body.role !== undefined || body.disabled !== undefined, "nothing to change")
  .openapi("AdminUpdateUser");

export const UserIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "is not a user id")
  .openapi({ param: { name: "id", in: "path" } });

export const SessionIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/, "is not a session id")
  .openapi({ param: { name: "id", in: "path" } });

export const UserListQuerySchema = z.object({
  cursor: text()
    .max(200)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" } }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer" }),
});

export const ProfileSchema = z.object({ id: z.string(), displayName: z.string() }).openapi("Profile");
export type Profile = z.infer<typeof ProfileSchema>;

export const UserLookupQuerySchema = z.object({
  ids: z
    .string()
    .max(100 * 33)
    .transform((value) => [...new Set(value.split(",").filter(Boolean))])
    .pipe(
      z
        .array(z.string().regex(/^[0-9a-f]{32}$/, "is not a user id"))
        .min(1)
        .max(100),
    )
    .openapi({ param: { name: "ids", in: "query" }, description: "Comma-separated user ids (1–100)" }),
});

export const UserPageSchema = z
  .object({ users: z.array(UserSchema), nextCursor: z.string().nullable() })
  .openapi("UserPage");
