// Package auth is identity and access: officials (password, second factor, roles
// scoped to a unit subtree), citizens (one-time codes, OpenID Connect), sessions,
// CSRF tokens and rate limits, and the one function that decides every permission,
// Guard.Can.
package auth

import (
	"slices"

	"danchu/internal/org"
)

// Role is what an official may do, bound to a unit and valid for its whole subtree.
type Role string

// The roles of issue 3. A person may hold several.
const (
	SysAdmin        Role = "sysadmin"         // quản trị hệ thống (the whole country)
	ProvinceAdmin   Role = "province_admin"   // quản trị cấp tỉnh
	CommuneOfficial Role = "commune_official" // cán bộ UBND xã
	VillageHead     Role = "village_head"     // trưởng thôn / tổ trưởng tổ dân phố
	FrontOfficer    Role = "front_officer"    // cán bộ Mặt trận Tổ quốc (MTTQ)
	Supervisor      Role = "supervisor"       // thành viên Ban thanh tra nhân dân / giám sát đầu tư của cộng đồng
	AgencyHead      Role = "agency_head"      // thủ trưởng cơ quan, đơn vị / công đoàn
	EnterpriseRep   Role = "enterprise_rep"   // đại diện doanh nghiệp
	Viewer          Role = "viewer"           // chỉ xem
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{SysAdmin, ProvinceAdmin, CommuneOfficial, VillageHead, FrontOfficer, Supervisor, AgencyHead, EnterpriseRep, Viewer}

// Action is something a role allows on a unit.
type Action string

// Actions checked by Guard.Can. Capabilities add theirs here, with the roles that
// hold them in the matrix below, so that the whole policy is one table.
const (
	ViewBackOffice    Action = "backoffice.view"
	ReadAudit         Action = "audit.read"
	ManageUsers       Action = "users.manage"
	ManageUnits       Action = "units.manage"
	ManageHouseholds  Action = "households.manage"
	Publish           Action = "disclosure.publish"
	Consult           Action = "consultation.manage"
	DecideMatters     Action = "decision.manage"
	RecognizeCommune  Action = "decision.recognize"       // the commune People's Committee recognises a community decision (LDC Art 21(2))
	RecognizeFront    Action = "decision.recognize_front" // the commune Fatherland Front recognises board members (Art 21(2))
	HandleFeedback    Action = "feedback.handle"
	Supervise         Action = "supervision.record"
	ManageCalendar    Action = "calendar.manage"
	ViewStaffMaterial Action = "staff.view"         // agency staff disclosure (LDC Art 46–48)
	ManagePlans       Action = "plan.manage"        // issue plans, programmes, projects and directives; assign their tasks
	ReportTasks       Action = "plan.report"        // report progress on a task assigned to the unit
	ManageSteering    Action = "steering.manage"    // a unit's steering committee for grassroots democracy: members, regulation, meetings
	HandleCases       Action = "case.handle"        // receive, accept and resolve complaints and denunciations; give named people a case's vault
	ReceiveCitizens   Action = "reception.manage"   // citizen reception: leaders' schedules, sessions, the reception book and its answers
	AnswerSupervision Action = "supervision.answer" // answer the recommendations supervision boards and the Front address to the unit
	RunSurveys        Action = "survey.manage"      // build, open and close the unit's satisfaction surveys, read their free-text answers
)

// ReadAuditIP shows the IP addresses in the activity log: personal data of
// citizens and officials (ND 13/2023), needed only to investigate abuse — a
// locked account, a flood — which the system and province administrators do.
// Everyone else who reads the log sees who did what, not from where.
const ReadAuditIP Action = "audit.read_ip"

// Actions lists every action.
var Actions = []Action{ViewBackOffice, ReadAudit, ReadAuditIP, ManageUsers, ManageUnits, ManageHouseholds, Publish, Consult, DecideMatters,
	RecognizeCommune, RecognizeFront, HandleFeedback, Supervise, ManageCalendar, ViewStaffMaterial, ManagePlans, ReportTasks, ManageSteering, HandleCases, ReceiveCitizens, AnswerSupervision, RunSurveys}

// roleSpec is what a role allows and where it may be bound.
type roleSpec struct {
	label   string
	levels  []org.Level // unit levels the role may be bound to; nil: the whole country only
	actions []Action
}

// decides are the actions that publish or decide: the roles holding one need a
// second factor when Policy.Require2FA is on.
var decides = []Action{ManageUsers, ManageUnits, Publish, Consult, DecideMatters, RecognizeCommune, RecognizeFront, ManageCalendar, ManagePlans, ManageSteering}

var everyday = []Action{ViewBackOffice, ReadAudit}

var roleSpecs = map[Role]roleSpec{
	SysAdmin:        {"Quản trị hệ thống", nil, Actions},
	ProvinceAdmin:   {"Quản trị cấp tỉnh", []org.Level{org.ProvinceLevel}, append(slices.Clone(everyday), ReadAuditIP, ManageUsers, ManageUnits, ManageHouseholds, HandleFeedback, Publish, ManagePlans, ReportTasks, ManageSteering, HandleCases, ReceiveCitizens, AnswerSupervision, RunSurveys)},
	CommuneOfficial: {"Cán bộ UBND xã", []org.Level{org.CommuneLevel}, append(slices.Clone(everyday), ManageHouseholds, Publish, Consult, DecideMatters, RecognizeCommune, HandleFeedback, ManagePlans, ReportTasks, ManageSteering, HandleCases, ReceiveCitizens, AnswerSupervision, RunSurveys)},
	VillageHead:     {"Trưởng thôn, tổ trưởng tổ dân phố", []org.Level{org.VillageLevel}, append(slices.Clone(everyday), ManageHouseholds, DecideMatters)},
	FrontOfficer:    {"Cán bộ Mặt trận Tổ quốc", []org.Level{org.CommuneLevel, org.VillageLevel}, append(slices.Clone(everyday), Supervise, RecognizeFront)},
	Supervisor:      {"Thành viên Ban thanh tra nhân dân, giám sát đầu tư", []org.Level{org.CommuneLevel, org.VillageLevel, org.Attached}, append(slices.Clone(everyday), Supervise)},
	AgencyHead:      {"Thủ trưởng cơ quan, đơn vị, công đoàn", []org.Level{org.Attached}, append(slices.Clone(everyday), Publish, Consult, HandleFeedback, ViewStaffMaterial, ManagePlans, ReportTasks, ManageSteering, HandleCases, ReceiveCitizens, AnswerSupervision)},
	EnterpriseRep:   {"Đại diện doanh nghiệp", []org.Level{org.Attached}, append(slices.Clone(everyday), Publish, Consult, HandleFeedback, ViewStaffMaterial)},
	Viewer:          {"Chỉ xem", []org.Level{org.ProvinceLevel, org.CommuneLevel, org.VillageLevel, org.Attached}, everyday},
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleSpecs[r]; return ok }

// Label is the role's Vietnamese name.
func (r Role) Label() string { return roleSpecs[r].label }

// Allows reports whether the role grants action (on units in its scope).
func (r Role) Allows(a Action) bool { return slices.Contains(roleSpecs[r].actions, a) }

// Decides reports whether the role can publish or decide, and so needs a second factor.
func (r Role) Decides() bool {
	return slices.ContainsFunc(roleSpecs[r].actions, func(a Action) bool { return slices.Contains(decides, a) })
}

// BindsTo reports whether the role may be bound to a unit of type t ("" : the whole
// country). Agency and enterprise roles need the matching attached type.
func (r Role) BindsTo(t org.Type) bool {
	spec := roleSpecs[r]
	if t == "" {
		return spec.levels == nil
	}
	switch r {
	case AgencyHead:
		return t == org.Agency
	case EnterpriseRep:
		return t == org.Enterprise
	}
	return slices.Contains(spec.levels, t.Level())
}

// Grant is a role held on a unit (0: the whole country).
type Grant struct {
	ID     int64
	Role   Role
	UnitID int64
}
