#include <stdio.h>
int main(void) {
    puts("poagen");
    return 0;
}
