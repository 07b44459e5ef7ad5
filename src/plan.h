/* phonetrust plan (src/cmd_plan.c): the fleet planner's command. */
#ifndef PHONETRUST_PLAN_H
#define PHONETRUST_PLAN_H

int	cmd_plan(int argc, char **argv, const char *cluster_dir);

#endif
