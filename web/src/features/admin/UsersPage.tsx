import { useState } from "react";

import type { User } from "../../api/client";
import { Empty, ErrorState, Loading, Pager, ProblemMessage, SearchForm } from "../../components/ui";
import { useCurrentUser } from "../auth/api";
import { when } from "../../lib/format";
import { useCursorPages } from "../../lib/useCursorPages";
import { useSearchParam } from "../../lib/useSearchParam";
import { usePageTitle } from "../../lib/usePageTitle";
import { AdminNav } from "./AdminNav";
import { useChangeRole, useDeleteUser, useUsers } from "./api";

const ROLES: { value: User["role"]; label: string }[] = [
  { value: "user", label: "Shopper" },
  { value: "stock_manager", label: "Stock manager" },
  { value: "admin", label: "Admin" },
];

function UserRow({ user, isMe }: { user: User; isMe: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const changeRole = useChangeRole(user.id);
  const remove = useDeleteUser(user.id);
  const selectId = `role-${user.id}`;
  return (
    <tr>
      <td data-label="Name">{user.name}</td>
      <td data-label="Email">{user.email}</td>
      <td data-label="Role">
        {user.role === "platform_admin" ? (
          <span>Platform operator</span>
        ) : (
          <>
          <label htmlFor={selectId} className="visually-hidden">
            Role of {user.email}
          </label>
          <select
            id={selectId}
            value={changeRole.isPending ? changeRole.variables : user.role}
            disabled={changeRole.isPending}
            onChange={(event) => changeRole.mutate(event.target.value as User["role"])}
          >
            {ROLES.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </select>
          </>
        )}
        <ProblemMessage error={changeRole.error} />
      </td>
      <td data-label="Joined">{when(user.created_at)}</td>
      <td data-label="Actions">
        {isMe || user.role === "platform_admin" ? (
          <span className="muted">{isMe ? "You" : "Managed by the operators"}</span>
        ) : confirming ? (
          <span role="group" aria-label={`Delete ${user.email}?`} className="inline-confirm">
            <button type="button" className="button danger small" onClick={() => remove.mutate()} disabled={remove.isPending}>
              Yes, delete
            </button>
            <button type="button" className="button secondary small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button link"
            aria-label={`Delete ${user.email}`}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        )}
        <ProblemMessage error={remove.error} />
      </td>
    </tr>
  );
}

export default function UsersPage() {
  usePageTitle("Users");
  const { user: me } = useCurrentUser();
  const [prefix, setPrefix] = useSearchParam("email");
  const pages = useCursorPages(`users|${prefix}`);
  const users = useUsers(prefix, pages.cursor);
  return (
    <section>
      <AdminNav />
      <h1>Users</h1>
      <SearchForm
        label="Email starts with"
        labelVisible
        button="Find"
        maxLength={254}
        initial={prefix}
        onSearch={setPrefix}
      />
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <Empty>
          <p>{prefix ? `No user's e-mail starts with “${prefix}”.` : "No users yet."}</p>
        </Empty>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <UserRow key={user.id} user={user} isMe={user.id === me?.id} />
              ))}
            </tbody>
          </table>
          <Pager pages={pages} nextCursor={users.data.next_cursor} />
        </>
      )}
    </section>
  );
}
