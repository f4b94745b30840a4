import { NavLink } from "../../lib/routing";

export function AdminNav() {
  return (
    <nav className="tabs" aria-label="Administration">
      <NavLink to="/admin/products">Products</NavLink>
      <NavLink to="/admin/import">Import</NavLink>
      <NavLink to="/admin/users">Users</NavLink>
      <NavLink to="/admin/orders">Orders</NavLink>
      <NavLink to="/admin/audit">Audit</NavLink>
      <NavLink to="/admin/webhooks">Webhooks</NavLink>
    </nav>
  );
}
