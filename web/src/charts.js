// ECharts, imported module by module to keep the bundle small.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, GraphChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, GraphChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

export { echarts }
