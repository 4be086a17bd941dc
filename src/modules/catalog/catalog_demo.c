/* catalog_demo.c: the demo service catalog: internal items of the bureaus
 * (会议室预订, 公务用车 …) and public items of the bureau and the departments
 * (政府信息公开申请, 教师资格认定 …), each with its guide, form and process,
 * imported and published through the same rules as the API.  Exports
 * zl_catalog_seed_demo.  JSON below is written with ' for " to stay legible. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "modules/catalog/catalog.h"

/* Form fields used by many items. */
#define NAME	"{'key':'name','label':'姓名','type':'text','required':true,'max_length':50}"
#define IDNO	"{'key':'id_number','label':'身份证号','type':'id_number','required':true}"
#define PHONE	"{'key':'phone','label':'联系电话','type':'phone','required':true}"
#define ADDR	"{'key':'address','label':'联系地址','type':'address','required':true}"
#define UNIT	"{'key':'unit_name','label':'单位名称','type':'text','required':true,'max_length':100}"
#define CREDIT	"{'key':'credit_code','label':'统一社会信用代码','type':'credit_code','required':true}"
#define REASON	"{'key':'reason','label':'事由','type':'textarea','required':true,'max_length':1000}"
#define DATE(k, l)	"{'key':'" k "','label':'" l "','type':'date','required':true}"
#define FILES(k, l, r)	"{'key':'" k "','label':'" l "','type':'file','multiple':true,'required':" r "}"
#define NUM(k, l, lo, hi)	"{'key':'" k "','label':'" l "','type':'number','required':true," \
	"'min':" #lo ",'max':" #hi "}"
#define MONEY(k, l)	"{'key':'" k "','label':'" l "','type':'money','required':true,'min':0}"
#define CHOICE(k, l, opts)	"{'key':'" k "','label':'" l "','type':'choice','required':true," \
	"'options':[" opts "]}"
#define FORM(...)	"{'fields':[" __VA_ARGS__ "]}"

/* Materials. */
#define M_ID	"{'name':'居民身份证','required':true,'auto_source':'电子证照库：居民身份证'}"
#define M_LICENCE "{'name':'营业执照','required':true,'auto_source':'电子证照库：营业执照'}"
#define M_DEGREE "{'name':'学历证书','required':true,'auto_source':'学信网：学历学位信息'}"

#define HALL	"省政务服务中心综合窗口；工作日 9:00—12:00、14:30—17:30；可全程网上办理"
#define INSIDE	"机关事务管理局服务大厅及网上办事大厅（内网）；工作日 8:30—12:00、14:30—18:00"

enum proc { P_INTERNAL, P_PUBLIC };

static const struct demo_item {
	const char	*code, *name, *org, *type, *audience, *legal, *conditions, *place;
	int		 statutory, promised, visits;
	const char	*materials, *fees, *faq, *form;
	enum proc	 proc;
	const char	*handler_role, *handler_org, *when;	/* when: a condition adding a step */
} items[] = {
	{ "62000000JG-NB-0001", "会议室预订", "GSJGSW", "内部事务", "internal",
	  "《机关事务管理条例》；《党政机关厉行节约反对浪费条例》",
	  "省直机关各单位因公务需要使用局属会议室的", INSIDE, 2, 1, 0,
	  "[{'name':'会议通知或议程','required':false}]", "[]",
	  "[{'q':'可以提前多久预订？','a':'最早可提前 30 日预订，至迟于会前 1 个工作日提交。'}]",
	  FORM(DATE("meeting_date", "会议日期") ","
	       CHOICE("period", "时段", "'上午','下午','全天'") ","
	       CHOICE("room", "会议室", "'第一会议室（30人）','第二会议室（60人）','报告厅（200人）'") ","
	       NUM("attendees", "参会人数", 1, 300) ","
	       "{'key':'topic','label':'会议名称','type':'text','required':true}," PHONE),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'attendees','op':'>','value':100}" },
	{ "62000000JG-NB-0002", "办公设备报修", "GSJGSW", "内部事务", "internal",
	  "《行政事业性国有资产管理条例》", "在用办公设备发生故障的", INSIDE, 3, 1, 0,
	  "[{'name':'故障照片','required':false}]", "[]", "[]",
	  FORM(CHOICE("device", "设备类别", "'计算机','打印机','复印机','空调','其他'") ","
	       "{'key':'asset_no','label':'资产编号','type':'text','required':true,'max_length':40},"
	       "{'key':'location','label':'所在位置','type':'text','required':true}," REASON ","
	       FILES("photos", "故障照片", "false") "," PHONE),
	  P_INTERNAL, "org-admin", "GSJGSW", NULL },
	{ "62000000JG-NB-0003", "公务用车申请", "GSJGSW", "内部事务", "internal",
	  "《党政机关公务用车管理办法》", "执行公务需用车且本单位无保留车辆的", INSIDE, 2, 1, 0,
	  "[]", "[]",
	  "[{'q':'省外用车有什么不同？','a':'省外用车须经局领导审批，请至少提前 3 个工作日申请。'}]",
	  FORM(DATE("use_date", "用车日期") ","
	       "{'key':'destination','label':'目的地','type':'address','required':true},"
	       NUM("passengers", "乘车人数", 1, 40) ","
	       CHOICE("trip", "行程范围", "'市内','省内市外','省外'") "," REASON "," PHONE),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'trip','op':'=','value':'省外'}" },
	{ "62000000JG-NB-0004", "资产调拨", "GSJGSW", "内部事务", "internal",
	  "《行政事业性国有资产管理条例》；《中央行政事业单位国有资产处置管理办法》",
	  "资产在省直机关之间无偿调拨的", INSIDE, 10, 5, 0,
	  "[{'name':'资产卡片','required':true,'auto_source':'资产管理信息系统：资产卡片'},"
	  "{'name':'调入单位同意接收的函','required':true}]", "[]", "[]",
	  FORM("{'key':'asset_name','label':'资产名称','type':'text','required':true},"
	       "{'key':'asset_no','label':'资产编号','type':'text','required':true},"
	       MONEY("amount", "资产原值（元）") ","
	       "{'key':'to_org','label':'调入单位','type':'text','required':true}," REASON ","
	       FILES("letter", "接收函", "true")),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'amount','op':'>','value':500000}" },
	{ "62000000JG-NB-0005", "办公用品领用", "GSJGSW", "内部事务", "internal",
	  "《党政机关厉行节约反对浪费条例》", "列入年度办公用品预算的", INSIDE, 3, 1, 1,
	  "[]", "[]", "[]",
	  FORM("{'key':'items','label':'物品及数量','type':'textarea','required':true},"
	       MONEY("amount", "金额合计（元）") "," DATE("pickup_date", "领取日期")),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'amount','op':'>','value':200000}" },
	{ "62000000JG-NB-0006", "办公用房调整", "GSJGSW", "内部事务", "internal",
	  "《党政机关办公用房管理办法》；《党政机关办公用房建设标准》（建标169-2014）",
	  "机构编制或人员变动致使现有办公用房不能满足需要的", INSIDE, 20, 15, 1,
	  "[{'name':'机构编制批复','required':true,'auto_source':'机构编制实名制信息库'},"
	  "{'name':'现有用房使用情况表','required':true,'template':'办公用房使用情况表.xlsx'}]", "[]", "[]",
	  FORM("{'key':'current_room','label':'现用房间','type':'text','required':true},"
	       NUM("area", "申请面积（平方米）", 1, 2000) "," NUM("staff", "编制人数", 1, 500) ","
	       REASON "," FILES("plan", "调整方案", "false")),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'area','op':'>','value':100}" },
	{ "62000000JG-NB-0007", "公物仓物品调剂申请", "GSJGSW", "内部事务", "internal",
	  "《行政事业性国有资产管理条例》", "新增资产配置前，须先在公物仓中调剂（公物仓优先）", INSIDE,
	  10, 5, 1,
	  "[{'name':'资产配置预算','required':true,'auto_source':'预算管理一体化系统：资产配置预算'}]",
	  "[]", "[{'q':'调剂物品收费吗？','a':'公物仓调剂不收费，运输由调入单位自行负责。'}]",
	  FORM(CHOICE("category", "物品类别", "'办公家具','计算机及外设','办公设备','其他'") ","
	       NUM("quantity", "数量", 1, 1000) "," MONEY("amount", "估值（元）") ","
	       REASON "," DATE("pickup_date", "拟领取日期")),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'amount','op':'>','value':500000}" },
	{ "62000000JG-NB-0008", "公务接待用餐申请", "GSJGSW", "内部事务", "internal",
	  "《党政机关国内公务接待管理规定》", "有来函的公务接待，按标准安排工作餐", INSIDE, 2, 1, 0,
	  "[{'name':'派出单位公函','required':true}]", "[]", "[]",
	  FORM("{'key':'guest_org','label':'来访单位','type':'text','required':true},"
	       NUM("guests", "来访人数", 1, 100) "," NUM("companions", "陪餐人数", 0, 20) ","
	       DATE("meal_date", "用餐日期") "," FILES("letter", "公函", "true")),
	  P_INTERNAL, "org-admin", "GSJGSW", "{'field':'guests','op':'>','value':10}" },
	{ "62000000JG-NB-0009", "机关食堂就餐卡办理", "GSJGSW", "内部事务", "internal",
	  "《机关事务管理条例》", "省直机关在编在岗及聘用人员", INSIDE, 3, 1, 1,
	  "[{'name':'在职证明','required':true,'auto_source':'人事信息库：在编在岗信息'}]",
	  "[{'name':'补办工本费','amount':2000}]", "[]",
	  FORM(NAME "," IDNO "," PHONE "," CHOICE("kind", "办理类型", "'新办','补办','注销'")),
	  P_INTERNAL, "org-admin", "GSJGSW", NULL },
	{ "62000000JG-NB-0010", "周转住房申请", "GSJGSW", "内部事务", "internal",
	  "《机关事务管理条例》", "调入或新录用、本人及配偶在兰州市无自有住房的干部职工", INSIDE,
	  20, 15, 1,
	  "[{'name':'户籍信息','required':true,'auto_source':'公安人口库：户籍信息'},"
	  "{'name':'婚姻状况证明','required':true,'auto_source':'民政婚姻登记信息'},"
	  "{'name':'无房证明','required':true,'auto_source':'不动产登记信息'}]", "[]", "[]",
	  FORM(NAME "," IDNO "," PHONE "," NUM("family_size", "家庭人口", 1, 10) ","
	       ADDR "," REASON),
	  P_INTERNAL, "org-admin", "GSJGSW", NULL },
	{ "62010000JG-NB-0001", "市级机关公务用车平台用车申请", "LZJGSW", "内部事务", "internal",
	  "《党政机关公务用车管理办法》", "兰州市市级机关执行公务需用车的", INSIDE, 2, 1, 0,
	  "[]", "[]", "[]",
	  FORM(DATE("use_date", "用车日期") ","
	       "{'key':'destination','label':'目的地','type':'address','required':true},"
	       NUM("passengers", "乘车人数", 1, 40) "," REASON "," PHONE),
	  P_INTERNAL, "org-admin", "LZJGSW", NULL },
	{ "62000000JG-GG-0001", "政府信息公开申请", "GSJGSW", "公共服务", "public",
	  "《中华人民共和国政府信息公开条例》第二十七条、第三十三条",
	  "公民、法人或者其他组织向本机关申请获取政府信息", HALL, 20, 15, 0,
	  "[" M_ID ",{'name':'营业执照或其他身份证明','required':false,"
	  "'auto_source':'电子证照库：营业执照'},{'name':'授权委托书','required':false,"
	  "'template':'授权委托书（样式）.docx','note':'委托他人代为申请时提交'}]", "[]",
	  "[{'q':'多久能答复？','a':'自收到申请之日起 20 个工作日内答复；需延长的，延长期限不超过 20 个工作日。'}]",
	  FORM(CHOICE("applicant_kind", "申请人类型", "'公民','法人或者其他组织'") "," NAME ","
	       "{'key':'id_number','label':'身份证号','type':'id_number'},"
	       "{'key':'credit_code','label':'统一社会信用代码','type':'credit_code'}," PHONE ","
	       ADDR ",{'key':'description','label':'所需信息的名称、文号或者便于查询的其他特征性描述',"
	       "'type':'textarea','required':true},"
	       CHOICE("delivery", "获取方式", "'电子邮件','邮寄','自行领取'")),
	  P_PUBLIC, "org-admin", "GSJGSW", NULL },
	{ "62000000JG-GG-0002", "机关事务服务投诉", "GSJGSW", "公共服务", "public",
	  "《机关事务管理条例》；《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》"
	  "（国办发〔2019〕51号）", "对机关事务服务有意见或投诉的", HALL, 15, 10, 0,
	  "[{'name':'相关证据','required':false}]", "[]", "[]",
	  FORM(NAME "," PHONE ",{'key':'target','label':'投诉对象','type':'text','required':true},"
	       DATE("occurred_on", "发生日期") "," REASON "," FILES("evidence", "证据材料", "false")),
	  P_PUBLIC, "org-admin", "GSJGSW", NULL },
	{ "62000000JG-GG-0003", "公共机构节能咨询", "GSJGSW", "公共服务", "public",
	  "《公共机构节能条例》；《中华人民共和国节约能源法》", "公共机构及节能服务企业", HALL, 10, 5, 0,
	  "[]", "[]", "[{'q':'能耗数据怎么报？','a':'通过公共机构能源资源消费统计系统按季度填报。'}]",
	  FORM(UNIT "," CREDIT "," PHONE ","
	       CHOICE("topic", "咨询类别", "'节能改造','合同能源管理','能耗统计','节水','其他'") ","
	       "{'key':'question','label':'咨询内容','type':'textarea','required':true}"),
	  P_PUBLIC, "org-admin", "GSJGSW", NULL },
	{ "62000000JG-GG-0004", "会议场地对外租借", "GSJGSW", "公共服务", "public",
	  "《行政事业性国有资产管理条例》", "会议室在满足机关公务需要后可对外有偿出借", HALL, 5, 3, 1,
	  "[" M_LICENCE "]",
	  "[{'name':'场地使用费（半天）','amount':150000},{'name':'设备使用费（半天）','amount':30000}]",
	  "[]",
	  FORM(UNIT "," CREDIT "," PHONE "," DATE("event_date", "使用日期") ","
	       CHOICE("period", "时段", "'上午','下午','全天'") "," NUM("attendees", "人数", 1, 200) ","
	       MONEY("deposit", "押金（元）") "," REASON),
	  P_PUBLIC, "org-admin", "GSJGSW", NULL },
	{ "62000000CZ-CJ-0001", "政府采购供应商投诉处理", "GSCZT", "行政裁决", "public",
	  "《中华人民共和国政府采购法》第五十五条、第五十六条；《政府采购质疑和投诉办法》（财政部令第94号）",
	  "对质疑答复不满意或未在规定时间内得到答复的供应商，在答复期满后 15 个工作日内投诉", HALL,
	  30, 25, 0,
	  "[{'name':'投诉书','required':true,'template':'政府采购投诉书范本.docx'},"
	  "{'name':'质疑函及质疑答复','required':true}," M_LICENCE "]", "[]", "[]",
	  FORM(UNIT "," CREDIT "," PHONE ","
	       "{'key':'project_code','label':'采购项目编号','type':'text','required':true},"
	       DATE("question_date", "质疑日期") "," REASON "," FILES("evidence", "证明材料", "true")),
	  P_PUBLIC, "dept-admin", "GSCZT", NULL },
	{ "62000000CZ-GG-0001", "财政票据领购", "GSCZT", "公共服务", "public",
	  "《财政票据管理办法》（财政部令第70号）", "已办理《财政票据领购证》的行政事业单位", HALL,
	  5, 1, 0, "[" M_LICENCE "]", "[]", "[]",
	  FORM(UNIT "," CREDIT "," CHOICE("bill_type", "票据种类",
	       "'非税收入一般缴款书','资金往来结算票据','公益事业捐赠票据'") ","
	       NUM("quantity", "数量（本）", 1, 1000) "," PHONE),
	  P_PUBLIC, "dept-admin", "GSCZT", NULL },
	{ "62010000CZ-XK-0001", "代理记账资格审批", "LZCZJ", "行政许可", "public",
	  "《中华人民共和国会计法》；《代理记账管理办法》（财政部令第80号，财政部令第98号修改）",
	  "有 3 名以上专职从业人员、主管代理记账业务的负责人具有会计师以上专业技术职务资格", HALL,
	  10, 5, 0,
	  "[" M_LICENCE ",{'name':'从业人员会计资格证明','required':true,"
	  "'auto_source':'全国会计人员统一服务管理平台'},{'name':'办公场所使用权证明','required':true}]",
	  "[]", "[]",
	  FORM(UNIT "," CREDIT "," NAME "," PHONE "," ADDR "," NUM("staff", "专职从业人员", 3, 1000) ","
	       FILES("documents", "申请材料", "true")),
	  P_PUBLIC, "dept-admin", "LZCZJ", NULL },
	{ "62000000JY-XK-0001", "教师资格认定", "GSJYT", "行政许可", "public",
	  "《中华人民共和国教师法》第十条；《教师资格条例》；《〈教师资格条例〉实施办法》",
	  "具有规定学历、普通话水平达标、教师资格考试合格、体检合格的中国公民", HALL, 30, 20, 1,
	  "[" M_ID "," M_DEGREE ",{'name':'普通话水平测试等级证书','required':true,"
	  "'auto_source':'国家普通话水平测试信息'},{'name':'教师资格考试合格证明','required':true,"
	  "'auto_source':'中小学教师资格考试信息'},{'name':'体检合格证明','required':true},"
	  "{'name':'个人承诺书','required':true,'template':'个人承诺书.docx'}]", "[]",
	  "[{'q':'需要到现场吗？','a':'网上申报后到指定医院体检一次，其余全程网办。'}]",
	  FORM(NAME "," IDNO "," PHONE "," ADDR "," CHOICE("level", "资格种类",
	       "'幼儿园','小学','初级中学','高级中学','中等职业学校'") ","
	       "{'key':'subject','label':'任教学科','type':'text','required':true},"
	       "{'key':'photo','label':'近期免冠照片','type':'file','required':true}"),
	  P_PUBLIC, "dept-admin", "GSJYT", NULL },
	{ "62000000JY-JF-0001", "中等职业学校国家助学金申请", "GSJYT", "行政给付", "public",
	  "《学生资助资金管理办法》（财教〔2021〕310号）", "全日制正式学籍一、二年级家庭经济困难学生",
	  HALL, 30, 20, 0,
	  "[" M_ID ",{'name':'家庭经济困难证明','required':false,"
	  "'auto_source':'民政低保信息、脱贫人口信息'}]", "[]", "[]",
	  FORM(NAME "," IDNO ",{'key':'school','label':'就读学校','type':'text','required':true},"
	       CHOICE("grade", "年级", "'一年级','二年级'") "," CHOICE("household", "家庭情况",
	       "'脱贫家庭','低保家庭','特困供养','残疾学生','其他家庭经济困难'") "," PHONE),
	  P_PUBLIC, "dept-admin", "GSJYT", NULL },
	{ "62000000WJ-XK-0001", "护士执业注册", "GSWJW", "行政许可", "public",
	  "《护士条例》第七条、第八条；《护士执业注册管理办法》", "通过护士执业资格考试、拟在医疗卫生机构执业",
	  HALL, 20, 10, 0,
	  "[" M_ID "," M_DEGREE ",{'name':'护士执业资格考试成绩合格证明','required':true,"
	  "'auto_source':'国家卫生健康委人才交流服务中心考试信息'},"
	  "{'name':'健康体检证明','required':true},{'name':'医疗卫生机构拟聘用证明','required':true}]",
	  "[]", "[]",
	  FORM(NAME "," IDNO "," PHONE ",{'key':'institution','label':'拟执业机构','type':'text',"
	       "'required':true}," CREDIT "," NUM("exam_year", "考试年份", 2000, 2100) ","
	       FILES("health", "体检证明", "true")),
	  P_PUBLIC, "dept-admin", "GSWJW", NULL },
	{ "62000000WJ-XK-0002", "医疗机构执业登记", "GSWJW", "行政许可", "public",
	  "《医疗机构管理条例》；《医疗机构管理条例实施细则》", "已取得设置医疗机构批准书或按规定免于设置审批",
	  HALL, 45, 20, 1, "[" M_LICENCE ",{'name':'医疗机构用房产权证明或使用证明','required':true},"
	  "{'name':'医务人员执业证书','required':true,'auto_source':'电子证照库：医师、护士电子证照'}]",
	  "[]", "[{'q':'为什么要跑一次？','a':'执业登记须现场审核，审核当天可领取许可证。'}]",
	  FORM(UNIT "," CREDIT "," CHOICE("kind", "机构类别", "'医院','门诊部','诊所','其他'") ","
	       NUM("beds", "床位数", 0, 5000) "," ADDR "," PHONE "," FILES("documents", "申请材料", "true")),
	  P_PUBLIC, "dept-admin", "GSWJW", "{'field':'beds','op':'>=','value':100}" },
	{ "62000000WJ-QR-0001", "计划生育家庭特别扶助对象资格确认", "GSWJW", "行政确认", "public",
	  "《中华人民共和国人口与计划生育法》；《全国独生子女伤残死亡家庭扶助制度试点方案》",
	  "独生子女死亡或伤残（三级以上）、女方年满 49 周岁的夫妻", HALL, 20, 15, 0,
	  "[{'name':'户口簿','required':true,'auto_source':'公安人口库：户籍信息'},"
	  "{'name':'独生子女父母光荣证','required':false},{'name':'子女死亡或伤残证明','required':true,"
	  "'auto_source':'公安户籍注销信息、残联残疾人证信息'}]", "[]", "[]",
	  FORM(NAME "," IDNO "," PHONE "," ADDR "," CHOICE("situation", "扶助情形",
	       "'独生子女死亡','独生子女伤残（三级以上）'") "," FILES("proof", "证明材料", "false")),
	  P_PUBLIC, "dept-admin", "GSWJW", NULL },
};
#define NITEMS	(sizeof(items) / sizeof(items[0]))

/* Parse demo JSON written with ' for " (a new reference owned by the arena). */
static json_t *
J(struct zl_arena *a, const char *s)
{
	char	*t = zl_arena_strdup(a, s);
	json_t	*j;

	for (char *p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	if ((j = json_loads(t, 0, NULL)) == NULL)
		fprintf(stderr, "zhili: demo catalog: bad JSON: %.80s\n", s);
	return j != NULL ? zl_json_own(a, j) : NULL;
}

static json_t *
step(const char *id, const char *name, json_t *assignee, int days, json_t *next)
{
	json_t *s = json_pack("{s:s,s:s,s:o,s:o}", "id", id, "name", name,
	    "assignee", assignee, "next", next);

	if (days > 0)
		json_object_set_new(s, "time_limit_days", json_integer(days));
	return s;
}

static json_t *
in_org(const char *role, const char *org)
{
	return json_pack("{s:s,s:s,s:s}", "kind", "role_in_org", "role", role, "org", org);
}

/* Internal items: the applicant's department, then the bureau; `when` sends
 * the case to the bureau's leader first.  Public items: 受理, then 审查决定,
 * with `when` adding 现场核查. */
static json_t *
process(struct zl_arena *a, const struct demo_item *d)
{
	json_t *steps = json_array(), *cond = d->when ? J(a, d->when) : NULL;
	const char *first = d->proc == P_INTERNAL ? "dept" : "accept";
	const char *extra = d->proc == P_INTERNAL ? "leader" : "inspect";
	const char *last = d->proc == P_INTERNAL ? "bureau" : "decide";
	json_t *to_last = json_pack("[{s:s}]", "to", last);

	if (d->proc == P_INTERNAL)
		json_array_append_new(steps, step(first, "本单位负责人审核",
		    json_pack("{s:s,s:s}", "kind", "role_in_applicant_org", "role", "dept-admin"), 1,
		    cond ? json_pack("[{s:O,s:s},{s:s}]", "when", cond, "to", extra, "to", last) :
		    json_deep_copy(to_last)));
	else
		json_array_append_new(steps, step(first, "受理", in_org(d->handler_role,
		    d->handler_org), 1, cond ? json_pack("[{s:O,s:s},{s:s}]", "when", cond, "to",
		    extra, "to", last) : json_deep_copy(to_last)));
	if (cond != NULL)
		json_array_append_new(steps, step(extra, d->proc == P_INTERNAL ? "局领导审批" :
		    "现场核查", in_org(d->handler_role, d->handler_org), 0, json_deep_copy(to_last)));
	json_array_append_new(steps, step(last, d->proc == P_INTERNAL ? "机关事务管理局办理" :
	    "审查决定", in_org(d->handler_role, d->handler_org), 0,
	    json_pack("[{s:s}]", "to", "end")));
	json_decref(to_last);
	return json_pack("{s:s,s:o}", "start", first, "steps", steps);
}

static json_t *
item_doc(struct zl_conn *c, struct zl_arena *a, const struct demo_item *d)
{
	struct zl_item_org	 o;
	json_t			*m = J(a, d->materials), *f = J(a, d->fees), *q = J(a, d->faq),
				*form = J(a, d->form);

	if (m == NULL || f == NULL || q == NULL || form == NULL ||
	    zl_item_store_org(c, a, 0, d->org, &o) != 0) {
		fprintf(stderr, "zhili: demo catalog: %s: bad data or org %s missing\n",
		    d->code, d->org);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:O,s:O,s:O,s:O,s:o}",
	    "code", d->code, "name", d->name, "org_id", (json_int_t)o.id, "type", d->type,
	    "audience", d->audience, "legal_basis", d->legal, "conditions", d->conditions,
	    "place_hours", d->place, "statutory_days", d->statutory,
	    "promised_days", d->promised, "visits", d->visits, "materials", m, "fees", f,
	    "faq", q, "form", form, "process", process(a, d));
}

int
zl_catalog_seed_demo(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *sys)
{
	struct zl_item	 found;
	struct zl_error	 err;
	json_t		*list = zl_json_own(a, json_array()), *doc, *result = NULL;
	int		 rc;

	if (zl_item_store_by_code(c, a, items[0].code, &found) == 0) {
		printf("demo catalog already present\n");
		return 0;
	}
	for (size_t i = 0; i < NITEMS; i++) {
		if ((doc = item_doc(c, a, &items[i])) == NULL)
			return ZL_EINVAL;
		json_array_append_new(list, doc);
	}
	memset(&err, 0, sizeof(err));
	if ((rc = zl_item_import(c, a, sys, list, ZL_IMPORT_PUBLISH, &result, NULL, &err)) != 0) {
		fprintf(stderr, "zhili: demo catalog: %s", err.detail);
		for (int i = 0; i < err.nfields; i++)
			fprintf(stderr, " [%s: %s]", err.fields[i].field, err.fields[i].reason);
		fputc('\n', stderr);
		return rc;
	}
	zl_json_own(a, result);
	printf("demo catalog created: %zu published service items\n", NITEMS);
	return 0;
}
