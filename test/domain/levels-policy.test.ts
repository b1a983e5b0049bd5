import { describe, expect, it } from "vitest";
import { ADMIN_LEVELS, type AdminLevel } from "../../src/db/schema";
import { adminLevelChangeDenial, canChangeAdminLevelOf, canChangeTrustOf, canConvictUsers } from "../../src/domain/admin/levels-policy";

const person = (id: number, adminLevel: AdminLevel) => ({ id, adminLevel });
const actor = (level: AdminLevel) => person(1, level);
const target = (level: AdminLevel) => person(2, level);

describe("canChangeAdminLevelOf", () => {
  it("lets a superadmin promote and demote users below them, up to their own rank", () => {
    const s = actor("superadmin");
    for (const to of ["default", "viewer", "admin", "superadmin"] as const) {
      expect(canChangeAdminLevelOf(s, target("default"), to), `default → ${to}`).toBe(true);
      expect(canChangeAdminLevelOf(s, target("admin"), to), `admin → ${to}`).toBe(true);
    }
  });

  it("never lets a superadmin grant ultraadmin or touch another superadmin or an ultraadmin", () => {
    const s = actor("superadmin");
    expect(canChangeAdminLevelOf(s, target("admin"), "ultraadmin")).toBe(false);
    expect(canChangeAdminLevelOf(s, target("superadmin"), "admin")).toBe(false);
    expect(canChangeAdminLevelOf(s, target("ultraadmin"), "default")).toBe(false);
  });

  it("lets an ultraadmin grant ultraadmin and change superadmins, but not other ultraadmins", () => {
    const u = actor("ultraadmin");
    expect(canChangeAdminLevelOf(u, target("default"), "ultraadmin")).toBe(true);
    expect(canChangeAdminLevelOf(u, target("superadmin"), "default")).toBe(true);
    expect(canChangeAdminLevelOf(u, target("ultraadmin"), "default")).toBe(false);
  });

  it("refuses admins, viewers and default users whatever the target", () => {
    for (const level of ["default", "viewer", "admin"] as const) {
      for (const to of ADMIN_LEVELS) expect(canChangeAdminLevelOf(actor(level), target("default"), to), `${level}: → ${to}`).toBe(false);
    }
  });

  it("refuses any change of one's own level, even by an ultraadmin", () => {
    for (const level of ["superadmin", "ultraadmin"] as const) {
      const self = actor(level);
      for (const to of ADMIN_LEVELS) expect(canChangeAdminLevelOf(self, self, to)).toBe(false);
    }
  });

  it("refuses a level that does not exist", () => {
    expect(canChangeAdminLevelOf(actor("ultraadmin"), target("default"), "god")).toBe(false);
    expect(canChangeAdminLevelOf(actor("ultraadmin"), target("default"), "")).toBe(false);
  });

  it("ranks a missing or unknown target level as default", () => {
    expect(canChangeAdminLevelOf(actor("superadmin"), { id: 2, adminLevel: null }, "viewer")).toBe(true);
    expect(canChangeAdminLevelOf(actor("superadmin"), { id: 2, adminLevel: "weird" }, "viewer")).toBe(true);
  });
});

describe("adminLevelChangeDenial", () => {
  it("is null exactly when the change is allowed", () => {
    for (const a of ADMIN_LEVELS)
      for (const t of ADMIN_LEVELS)
        for (const to of ADMIN_LEVELS) {
          const allowed = canChangeAdminLevelOf(actor(a), target(t), to);
          expect(adminLevelChangeDenial(actor(a), target(t), to) === null, `${a} sets ${t} → ${to}`).toBe(allowed);
        }
  });

  it("gives the most specific reason first", () => {
    const s = actor("superadmin");
    expect(adminLevelChangeDenial(s, s, "admin")).toBe("You cannot change your own admin level.");
    expect(adminLevelChangeDenial(s, target("default"), "ultraadmin")).toBe("Only ultraadmins can grant the ultraadmin role.");
    expect(adminLevelChangeDenial(s, target("ultraadmin"), "default")).toBe("Only ultraadmins can change an ultraadmin's role.");
    expect(adminLevelChangeDenial(s, target("superadmin"), "admin")).toBe("You are not authorized to change this user's admin level.");
    expect(adminLevelChangeDenial(actor("admin"), target("default"), "viewer")).toBe("You are not authorized to change this user's admin level.");
  });
});

describe("canChangeTrustOf", () => {
  it("lets an admin mark lower-ranked users trusted, suspected or unscored, but not convict them", () => {
    const a = actor("admin");
    for (const to of ["blue", "green", "yellow"]) expect(canChangeTrustOf(a, target("default"), to)).toBe(true);
    expect(canChangeTrustOf(a, target("viewer"), "green")).toBe(true);
    expect(canChangeTrustOf(a, target("default"), "red")).toBe(false);
  });

  it("lets superadmins and ultraadmins convict (red)", () => {
    expect(canChangeTrustOf(actor("superadmin"), target("admin"), "red")).toBe(true);
    expect(canChangeTrustOf(actor("ultraadmin"), target("superadmin"), "red")).toBe(true);
    expect(canConvictUsers(actor("superadmin"))).toBe(true);
    expect(canConvictUsers(actor("admin"))).toBe(false);
  });

  it("refuses viewers and default users", () => {
    for (const level of ["default", "viewer"] as const) {
      for (const to of ["blue", "red", "green", "yellow"]) expect(canChangeTrustOf(actor(level), target("default"), to)).toBe(false);
    }
  });

  it("refuses oneself and anyone of equal or higher rank", () => {
    const s = actor("superadmin");
    expect(canChangeTrustOf(s, s, "green")).toBe(false);
    expect(canChangeTrustOf(s, target("superadmin"), "green")).toBe(false);
    expect(canChangeTrustOf(s, target("ultraadmin"), "green")).toBe(false);
    expect(canChangeTrustOf(actor("admin"), target("admin"), "green")).toBe(false);
  });

  it("refuses an unknown trust level, including numbers as strings", () => {
    expect(canChangeTrustOf(actor("ultraadmin"), target("default"), "purple")).toBe(false);
    expect(canChangeTrustOf(actor("ultraadmin"), target("default"), "1")).toBe(false);
  });
});
