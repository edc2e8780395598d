# gpusim chart 'timeseries'.  Redraw with 'gnuplot timeseries.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'timeseries.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'timeseries.svg'
$d0 << EOD
0 1.8786796564403572
1 1.401923788646684
2 1.102222521132795
3 1
4 1.102222521132795
5 1.401923788646684
6 1.8786796564403576
7 2.5
8 3.2235428646924378
9 4
10 4.7764571353075622
11 5.5
12 6.1213203435596419
13 6.598076211353316
14 6.897777478867205
15 7
16 6.897777478867205
17 6.598076211353316
18 6.1213203435596428
19 5.5
20 4.7764571353075631
21 4
22 3.2235428646924378
23 2.5000000000000009
24 1.8786796564403585
EOD
$d1 << EOD
0 0
1 0
2 0
3 0
4 0
5 0
6 0
7 0
8 0
9 0
10 0
11 0
12 2.5881904510252074
13 4.9999999999999991
14 7.0710678118654746
15 8.6602540378443855
16 9.6592582628906829
17 10
18 9.6592582628906829
19 8.6602540378443873
20 7.0710678118654755
21 4.9999999999999991
22 2.5881904510252101
23 1.2246467991473533e-15
24 0
EOD
$d2 << EOD
0 2
1 1
2 1
3 1
4 1
5 1
6 2
7 2
8 3
9 3
10 4
11 4
12 5
13 5
14 5
15 5
16 5
17 5
18 5
19 4
20 4
21 3
22 3
23 2
24 2
EOD
$d3 << EOD
0 0.62622655214678569
1 0.93461585909778933
2 0.73481501408853001
3 0.66666666666666663
4 0.73481501408853001
5 0.93461585909778933
6 0.62622655214678591
7 0.83333333333333337
8 0.71634285882054172
9 0.88888888888888884
10 0.796076189217927
11 0.91666666666666663
12 0.81617604580795222
13 0.87974349484710879
14 0.91970366384896063
15 0.93333333333333335
16 0.91970366384896063
17 0.87974349484710879
18 0.81617604580795233
19 0.91666666666666663
20 0.79607618921792722
21 0.88888888888888884
22 0.71634285882054172
23 0.83333333333333359
24 0.62622655214678613
EOD

# ---- png ----
reset
set encoding utf8
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2 dt 1
set linetype 2 lc rgb '#D55E00' lw 2 pt 9 ps 1.2 dt 1
set linetype 3 lc rgb '#009E73' lw 2 pt 11 ps 1.2 dt 1
set linetype 4 lc rgb '#E69F00' lw 2 pt 13 ps 1.2 dt 1
set linetype 5 lc rgb '#CC79A7' lw 2 pt 7 ps 1.2 dt 1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 9 ps 1.2 dt 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 11 ps 1.2 dt 1
set linetype 8 lc rgb '#000000' lw 2 pt 13 ps 1.2 dt 1
set linetype cycle 8
set grid lc rgb '#d9d9d9' lw 1 dt 1
set border lw 1 lc rgb '#404040'
set tics out nomirror
set key noenhanced top left box opaque samplen 2 spacing 1.1
set style fill solid 0.85 border lc rgb '#404040'
set datafile missing 'NaN'
set terminal pngcairo size 1000,600 noenhanced font 'sans,11' background '#ffffff'
set output gpusim_out_png
set title 'Diurnal serving day' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'time of day (h)'
set key top right box opaque
unset title
set multiplot layout 3,1 title 'Diurnal serving day' font ',13' margins 0.1,0.8,0.12,0.92 spacing 0,0.02
set key outside right top
set ytics 2
set ylabel 'arrivals (req/s)'
set format x ''
unset xlabel
plot $d0 using 1:2 with lines lt 1 title 'arrivals'
unset label 99
set ytics 2
set ylabel 'count'
set format x ''
unset xlabel
plot $d1 using 1:2 with lines lt 1 title 'queue', \
     $d2 using 1:2 with lines lt 2 title 'replicas'
set ytics 0.20000000000000001
set ylabel 'utilisation (fraction)'
set format x
set xlabel 'time of day (h)'
plot $d3 using 1:2 with lines lt 1 title 'utilisation'
unset multiplot
unset output

# ---- svg ----
reset
set encoding utf8
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2 dt 1
set linetype 2 lc rgb '#D55E00' lw 2 pt 9 ps 1.2 dt 1
set linetype 3 lc rgb '#009E73' lw 2 pt 11 ps 1.2 dt 1
set linetype 4 lc rgb '#E69F00' lw 2 pt 13 ps 1.2 dt 1
set linetype 5 lc rgb '#CC79A7' lw 2 pt 7 ps 1.2 dt 1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 9 ps 1.2 dt 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 11 ps 1.2 dt 1
set linetype 8 lc rgb '#000000' lw 2 pt 13 ps 1.2 dt 1
set linetype cycle 8
set grid lc rgb '#d9d9d9' lw 1 dt 1
set border lw 1 lc rgb '#404040'
set tics out nomirror
set key noenhanced top left box opaque samplen 2 spacing 1.1
set style fill solid 0.85 border lc rgb '#404040'
set datafile missing 'NaN'
set terminal svg size 1000,600 fixed noenhanced font 'sans,11' background '#ffffff'
set output gpusim_out_svg
set title 'Diurnal serving day' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'time of day (h)'
set key top right box opaque
unset title
set multiplot layout 3,1 title 'Diurnal serving day' font ',13' margins 0.1,0.8,0.12,0.92 spacing 0,0.02
set key outside right top
set ytics 2
set ylabel 'arrivals (req/s)'
set format x ''
unset xlabel
plot $d0 using 1:2 with lines lt 1 title 'arrivals'
unset label 99
set ytics 2
set ylabel 'count'
set format x ''
unset xlabel
plot $d1 using 1:2 with lines lt 1 title 'queue', \
     $d2 using 1:2 with lines lt 2 title 'replicas'
set ytics 0.20000000000000001
set ylabel 'utilisation (fraction)'
set format x
set xlabel 'time of day (h)'
plot $d3 using 1:2 with lines lt 1 title 'utilisation'
unset multiplot
unset output
